"""StRegA's compact ceVAE as LabelFree builds it (StregaConfig defaults), in PyTorch, for a side-by-side step time.

Encoder 3x3 stride-2 convolutions 1-16-64-256-1024 (no bias, PReLU), a 7x6 convolution to 2 x 256 latent channels,
decoder: 7x6 transposed convolution 256-1024 (PReLU), 4x4 stride-2 transposed convolutions 1024-256-64-16 (PReLU),
16-1 output. One training step = VAE pass + context-encoding pass, loss (1-ce)(beta KL + theta L1) + ce L1, Adam 1e-4,
batch 16 of 1x112x96. Prints training slices per second.
"""
import argparse
import time

import torch
from torch import nn


class CeVae(nn.Module):
    def __init__(self, ch=(16, 64, 256, 1024), z=256, h=112, w=96):
        super().__init__()
        layers, prev = [], 1
        for c in ch:
            layers += [nn.Conv2d(prev, c, 3, 2, 1, bias=False), nn.PReLU()]
            prev = c
        self.encoder = nn.Sequential(*layers)
        kh, kw = h >> len(ch), w >> len(ch)
        self.to_latent = nn.Conv2d(prev, 2 * z, (kh, kw), bias=False)
        dec = [nn.ConvTranspose2d(z, ch[-1], (kh, kw), bias=False), nn.PReLU()]
        for i in range(len(ch) - 1, 0, -1):
            dec += [nn.ConvTranspose2d(ch[i], ch[i - 1], 4, 2, 1, bias=False), nn.PReLU()]
        dec += [nn.ConvTranspose2d(ch[0], 1, 4, 2, 1, bias=False)]
        self.decoder = nn.Sequential(*dec)

    def forward(self, x):
        mean, log_std = self.to_latent(self.encoder(x)).chunk(2, dim=1)
        return self.decoder(mean + log_std.exp() * torch.randn_like(mean)), mean, log_std


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = CeVae()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    clean = torch.rand(16, 1, 112, 96)
    noisy = clean.clone()
    noisy[:, :, 20:60, 30:70] = 0.7

    def step():
        rec, mean, log_std = model(clean)
        kl = (0.5 * ((2 * log_std).exp() + mean ** 2 - 1) - log_std).mean()
        vae = 0.01 * kl + (rec - clean).abs().mean()
        rec_noisy, _, _ = model(noisy)
        loss = 0.5 * vae + 0.5 * (rec_noisy - clean).abs().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    print(f"{16 * args.steps / (time.perf_counter() - start):.2f}")


if __name__ == "__main__":
    main()
