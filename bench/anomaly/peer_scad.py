"""SCAD's network as LabelFree builds it (ScadConfig defaults), in PyTorch, for a side-by-side training step time.

Teacher: ResNet-18 of width 32, one channel, ImageNet stem (frozen, eval mode), stages 1-3 at H/4, H/8, H/16.
One-class bottleneck: stage 1 through two 3x3 stride-2 conv-BN-ReLU, stage 2 through one, concatenated with stage 3
(12w channels), two basic blocks to 8w at H/32. Student: three stages of a 2x2 stride-2 transposed-convolution block and
a basic block. Scale weights: max-pool, linear, softmax over 3. Loss: D(clean) / D(noisy), D = sum_k w_k mean(1 - cos).
Adam 1e-3, betas (0.5, 0.999), batch 16 of 1x112x96 zero-padded to 128x96. Prints training slices per second.
"""
import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn


class Basic(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.short is None else self.short(x)))


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cout, 2, 2, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = nn.Sequential(nn.ConvTranspose2d(cin, cout, 2, 2, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return F.relu(self.b2(self.c(F.relu(self.b1(self.up(x))))) + self.short(x))


def cbr(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class Scad(nn.Module):
    def __init__(self, w=32):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, w, 7, 2, 3, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        widths, stages, prev = [w, 2 * w, 4 * w], [], w
        for i, c in enumerate(widths):
            stages.append(nn.Sequential(Basic(prev, c, 1 if i == 0 else 2), Basic(c, c)))
            prev = c
        self.stages = nn.ModuleList(stages)
        for p in list(self.stem.parameters()) + list(self.stages.parameters()):
            p.requires_grad = False
        self.down1 = nn.Sequential(cbr(w, 2 * w), cbr(2 * w, 4 * w))
        self.down2 = cbr(2 * w, 4 * w)
        self.fuse = nn.Sequential(Basic(12 * w, 8 * w, 2), Basic(8 * w, 8 * w))
        self.dec = nn.ModuleList([nn.Sequential(Up(8 * w, 4 * w), Basic(4 * w, 4 * w)), nn.Sequential(Up(4 * w, 2 * w), Basic(2 * w, 2 * w)),
                                  nn.Sequential(Up(2 * w, w), Basic(w, w))])
        self.weights = nn.Linear(8 * w, 3)

    def teacher(self, x):
        self.stem.eval()
        self.stages.eval()
        with torch.no_grad():
            x = self.stem(x)
            out = []
            for s in self.stages:
                x = s(x)
                out.append(x)
            return out

    def forward(self, x):
        t = self.teacher(x)
        b = self.fuse(torch.cat([self.down1(t[0]), self.down2(t[1]), t[2]], 1))
        s3 = self.dec[0](b)
        s2 = self.dec[1](s3)
        s1 = self.dec[2](s2)
        return t, [s1, s2, s3], torch.softmax(self.weights(F.adaptive_max_pool2d(b, 1).flatten(1)), 1)


def distance(t, s, w):
    return sum((w[:, k] * (1 - F.cosine_similarity(t[k].flatten(1), s[k].flatten(1)))).mean() for k in range(3))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Scad()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3, betas=(0.5, 0.999))
    clean = F.pad(torch.rand(16, 1, 112, 96), (0, 0, 0, 16))
    noisy = clean.clone()
    noisy[:, :, 20:32, 30:40] += 0.2 * torch.randn(16, 1, 12, 10)

    def step():
        t, s, w = model(clean)
        loss = distance(t, s, w) / distance(model.teacher(noisy), s, w)
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
