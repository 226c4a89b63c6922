"""The Anomaly Transformer and MAAT as LabelFree builds them (small defaults), in PyTorch, for a side-by-side throughput.

Data: the bundled MIT-BIH record 208 (lead MLII), the first 40% standardised by its own mean and deviation, stride-1
windows of 100 samples drawn at random in batches of 32. Model (AnomalyTransformerConfig defaults): circular
convolution embedding (width 3, no bias) plus sinusoidal positions; 3 post-norm layers of anomaly-attention (width 64,
4 heads, a learned sigma per point and head, prior = normalised Gaussian over |i - j|) and a GELU MLP of 64; a final
LayerNorm and a projection back to the channel. MAAT: causal anomaly-attention and one gated Mamba block (d_state 8,
d_conv 4, expand 2) shared by the layers after each of them; the scan is the per-step recurrence of mamba-ssm's
selective_scan_ref (its CUDA kernel does not run on a CPU). Loss: the minimax sum 2 MSE - k AD(S, sg P) + k AD(sg S, P),
k = 3, Adam at 1e-4. Prints training windows per second after 5 warm-up steps.
"""
import argparse
import gzip
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


def kl(p, q):
    return (p * (torch.log(p + 1e-4) - torch.log(q + 1e-4))).sum(-1).mean(1)


class AnomalyAttention(nn.Module):
    def __init__(self, d, heads, causal):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.sigma = nn.Linear(d, heads)
        self.heads, self.causal = heads, causal

    def forward(self, x):
        b, l, d = x.shape
        h = self.heads

        def split(t):
            return t.view(b, l, h, d // h).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // h)
        if self.causal:
            scores = scores.masked_fill(torch.ones(l, l, dtype=torch.bool).triu(1), float("-inf"))
        series = scores.softmax(-1)
        sigma = torch.pow(3, torch.sigmoid(self.sigma(x).transpose(1, 2) * 5) + 1e-5) - 1
        pos = torch.arange(l, dtype=x.dtype)
        dist = (pos[:, None] - pos[None, :]) ** 2
        prior = (-dist / (2 * sigma.unsqueeze(-1) ** 2)).softmax(-1)
        out = (series @ v).transpose(1, 2).reshape(b, l, d)
        return self.o(out), series, prior


class Layer(nn.Module):
    def __init__(self, d, heads, ff, causal):
        super().__init__()
        self.attn = AnomalyAttention(d, heads, causal)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))
        self.n1, self.n2 = nn.LayerNorm(d), nn.LayerNorm(d)

    def forward(self, x):
        a, s, p = self.attn(x)
        x = self.n1(x + a)
        return self.n2(x + self.ff(x)), s, p


def selective_scan(u, delta, A, B, C, D, z, delta_bias):
    # u, delta, z (b, d, l); A (d, n); B, C (b, n, l): the per-step recurrence
    delta = F.softplus(delta + delta_bias[..., None])
    dA = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    dBu = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
    x = u.new_zeros(u.shape[0], u.shape[1], A.shape[1])
    ys = []
    for i in range(u.shape[2]):
        x = dA[:, :, i] * x + dBu[:, :, i]
        ys.append(torch.einsum("bdn,bn->bd", x, C[:, :, i]))
    y = torch.stack(ys, 2) + u * D[:, None]
    return y * F.silu(z)


class Mamba(nn.Module):
    def __init__(self, d, state=8, conv=4, expand=2):
        super().__init__()
        inner, self.rank, self.state = expand * d, math.ceil(d / 16), state
        self.in_proj = nn.Linear(d, 2 * inner, bias=False)
        self.conv = nn.Conv1d(inner, inner, conv, groups=inner, padding=conv - 1)
        self.x_proj = nn.Linear(inner, self.rank + 2 * state, bias=False)
        self.dt_proj = nn.Linear(self.rank, inner)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, state + 1, dtype=torch.float32)).repeat(inner, 1))
        self.D = nn.Parameter(torch.ones(inner))
        self.out_proj = nn.Linear(inner, d, bias=False)

    def forward(self, x):
        l = x.shape[1]
        xz = self.in_proj(x).transpose(1, 2)
        u, z = xz.chunk(2, 1)
        u = F.silu(self.conv(u)[..., :l])
        dt, B, C = self.x_proj(u.transpose(1, 2)).split([self.rank, self.state, self.state], -1)
        dt = (dt @ self.dt_proj.weight.t()).transpose(1, 2)
        y = selective_scan(u, dt, -torch.exp(self.A_log), B.transpose(1, 2), C.transpose(1, 2), self.D, z, self.dt_proj.bias)
        return self.out_proj(y.transpose(1, 2))


class Net(nn.Module):
    def __init__(self, channels, maat, d=64, heads=4, layers=3, ff=64):
        super().__init__()
        self.tokens = nn.Conv1d(channels, d, 3, padding=1, padding_mode="circular", bias=False)
        self.layers = nn.ModuleList(Layer(d, heads, ff, causal=maat) for _ in range(layers))
        self.mamba = Mamba(d) if maat else None
        self.gate = nn.Linear(2 * d, d) if maat else None
        self.norm = nn.LayerNorm(d)
        self.proj = nn.Linear(d, channels)
        self.d = d

    def forward(self, x):
        l = x.shape[1]
        pos = torch.arange(l, dtype=torch.float64)[:, None] * torch.exp(torch.arange(0, self.d, 2, dtype=torch.float64) * (-math.log(10000.0) / self.d))
        pe = torch.stack([pos.sin(), pos.cos()], -1).flatten(-2).float()
        h = self.tokens(x.transpose(1, 2)).transpose(1, 2) + pe
        series, priors = [], []
        for layer in self.layers:
            start = h
            h, s, p = layer(h)
            if self.mamba is not None:
                skip = self.norm(self.mamba(h) + start)
                g = torch.sigmoid(self.gate(torch.cat([h, skip], -1)))
                h = g * skip + (1 - g) * h
            series.append(s)
            priors.append(p)
        return self.proj(self.norm(h)), series, priors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--method", choices=["anomaly-transformer", "maat"], required=True)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with gzip.open(args.input, "rt") as f:
        next(f)
        values = [float(line.split(",")[1]) for line in f]
    x = torch.tensor(values[: int(0.4 * len(values))])
    x = ((x - x.mean()) / x.std(unbiased=False)).unsqueeze(-1)
    net = Net(1, args.method == "maat")
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    starts = torch.randint(0, x.shape[0] - 100, (args.steps + 5, 32))
    index = torch.arange(100)
    for step in range(args.steps + 5):
        if step == 5:
            clock = time.perf_counter()
        batch = x[starts[step][:, None] + index]
        out, series, priors = net(batch)
        rec = F.mse_loss(out, batch)
        s_term = sum(kl(s, p.detach()).mean() + kl(p.detach(), s).mean() for s, p in zip(series, priors)) / len(series)
        p_term = sum(kl(p, s.detach()).mean() + kl(s.detach(), p).mean() for s, p in zip(series, priors)) / len(series)
        loss = (rec - 3 * s_term) + (rec + 3 * p_term)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"{32 * args.steps / (time.perf_counter() - clock):.1f}")


if __name__ == "__main__":
    main()
