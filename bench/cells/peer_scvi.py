"""The scVI module as LabelFree builds it (ScviConfig defaults = scvi-tools' SCVI defaults), in PyTorch, to time one
training step side by side with LabelFree (bench/cells/run.sh).

Encoder: log1p(counts) -> Linear(genes, 128) -> BatchNorm1d(momentum 0.01, eps 1e-3) -> ReLU -> Dropout(0.1) -> heads
for the latent mean and log variance (latent 10, variance = exp + 1e-4). Decoder: [z, batch one-hot] -> Linear(.., 128)
-> BatchNorm1d -> ReLU -> softmax head over genes times the observed library; gene-wise inverse dispersion; ZINB dropout
head. Loss: -log ZINB (scvi-tools' log_zinb_positive, eps 1e-8) summed over genes + kl_weight * KL, mean over cells.
Adam lr 1e-3, eps 0.01, weight decay 1e-6; batch 128. Counts are gamma-Poisson draws with gene means like the
simulator's. Prints one JSON line with seconds per step.
"""
import argparse
import json
import time

import torch
from torch import nn
import torch.nn.functional as F


class Scvi(nn.Module):
    def __init__(self, genes, batches=2, hidden=128, latent=10):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(genes, hidden), nn.BatchNorm1d(hidden, eps=1e-3, momentum=0.01), nn.ReLU(), nn.Dropout(0.1))
        self.mean = nn.Linear(hidden, latent)
        self.log_var = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent + batches, hidden), nn.BatchNorm1d(hidden, eps=1e-3, momentum=0.01), nn.ReLU())
        self.scale = nn.Linear(hidden, genes)
        self.dropout = nn.Linear(hidden, genes)
        self.log_theta = nn.Parameter(torch.randn(genes))

    def loss(self, x, batch_one_hot, kl_weight):
        h = self.encoder(torch.log1p(x))
        mean, var = self.mean(h), torch.exp(self.log_var(h)) + 1e-4
        z = mean + var.sqrt() * torch.randn_like(mean)
        hd = self.decoder(torch.cat([z, batch_one_hot], 1))
        mu = torch.exp(torch.log(x.sum(1, keepdim=True))) * F.softmax(self.scale(hd), -1)
        theta, pi, eps = torch.exp(self.log_theta), self.dropout(hd), 1e-8
        softplus_pi = F.softplus(-pi)
        log_theta_mu = torch.log(theta + mu + eps)
        pi_theta_log = -pi + theta * (torch.log(theta + eps) - log_theta_mu)
        case_zero = F.softplus(pi_theta_log) - softplus_pi
        case_non_zero = (-softplus_pi + pi_theta_log + x * (torch.log(mu + eps) - log_theta_mu)
                         + torch.lgamma(x + theta) - torch.lgamma(theta) - torch.lgamma(x + 1))
        log_prob = torch.where(x < eps, case_zero, case_non_zero)
        kl = (0.5 * (var + mean ** 2 - 1 - torch.log(var))).sum(1)
        return (-log_prob.sum(1) + kl_weight * kl).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--genes", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    gene_mean = torch.distributions.Gamma(0.6, 0.3).sample((args.genes,))
    profile = gene_mean / gene_mean.sum()
    pool = []
    for _ in range(8):
        library = torch.exp(7.6 + 0.3 * torch.randn(128, 1))
        rate = torch.distributions.Gamma(5.0, 5.0 / (library * profile)).sample()
        pool.append((torch.poisson(rate), F.one_hot(torch.randint(0, 2, (128,)), 2).float()))
    model = Scvi(args.genes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=0.01, weight_decay=1e-6)

    def step(i):
        x, b = pool[i % len(pool)]
        optimizer.zero_grad()
        loss = model.loss(x, b, 0.5)
        loss.backward()
        optimizer.step()

    for i in range(5):
        step(i)
    start = time.perf_counter()
    for i in range(args.steps):
        step(i)
    per_step = (time.perf_counter() - start) / args.steps
    density = sum(float((x > 0).float().mean()) for x, _ in pool) / len(pool)
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "genes": args.genes, "seconds_per_step": round(per_step, 5), "density": round(density, 3)}))


if __name__ == "__main__":
    main()
