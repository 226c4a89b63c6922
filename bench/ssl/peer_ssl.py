"""The same SimCLR (ResNet-18) and DINO (ViT-tiny) training steps as LabelFree's, in PyTorch: prints training images/s.

Architectures and optimisers as in LabelFree (src/LabelFree.Learning/Nn/ResNet.cs, VisionTransformer.cs, Methods/Simclr,
Methods/Dino): SimCLR's CIFAR-stem ResNet-18, 2-layer projection head, NT-Xent, SGD with momentum standing in for LARS
(the trust ratio adds a few norms per parameter); DINO's pre-norm ViT-tiny (patch 4, class token, learned positions,
resized for local crops), 3-layer head with a weight-normalised last layer, EMA teacher, centring, AdamW, clipping 3.
The views are random tensors made outside the timed loop: LabelFree's figure includes making its augmented views.
"""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.b2 = nn.BatchNorm2d(cout)
        self.s = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.s is None else self.s(x)))


class ResNet18(nn.Module):
    def __init__(self, channels, width):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        layers, prev = [], width
        for stage, w in enumerate([width, 2 * width, 4 * width, 8 * width]):
            for b in range(2):
                layers.append(Block(prev, w, 2 if stage > 0 and b == 0 else 1)); prev = w
        self.stages = nn.Sequential(*layers); self.features = prev

    def forward(self, x):
        return self.stages(self.stem(x)).mean((2, 3))


class Vit(nn.Module):
    def __init__(self, channels, size, patch, dim=192, depth=12, heads=3):
        super().__init__()
        self.grid = size // patch
        self.patch = nn.Conv2d(channels, dim, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim).normal_(0, 0.02))
        self.pos = nn.Parameter(torch.zeros(1, 1 + self.grid ** 2, dim).normal_(0, 0.02))
        layer = nn.TransformerEncoderLayer(dim, heads, 4 * dim, dropout=0.0, activation="gelu", batch_first=True, norm_first=True, layer_norm_eps=1e-6)
        self.blocks = nn.TransformerEncoder(layer, depth)
        self.norm = nn.LayerNorm(dim, eps=1e-6); self.features = dim

    def forward(self, x):
        x = self.patch(x); h, w = x.shape[2], x.shape[3]
        x = x.flatten(2).transpose(1, 2)
        pos = self.pos
        if h != self.grid:
            p = self.pos[:, 1:].reshape(1, self.grid, self.grid, -1).permute(0, 3, 1, 2)
            p = F.interpolate(p, size=(h, w), mode="bicubic", align_corners=False).permute(0, 2, 3, 1).reshape(1, h * w, -1)
            pos = torch.cat([self.pos[:, :1], p], 1)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + pos
        return self.norm(self.blocks(x))[:, 0]


class DinoHead(nn.Module):
    def __init__(self, d, out, hidden=2048, bottleneck=256):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, bottleneck))
        self.v = nn.Parameter(nn.Linear(bottleneck, out, bias=False).weight.detach().clone())

    def forward(self, x):
        return F.normalize(self.mlp(x), dim=-1) @ F.normalize(self.v, dim=1).t()


def nt_xent(a, b, t):
    n = a.shape[0]
    z = F.normalize(torch.cat([a, b]), dim=1)
    logits = (z @ z.t() / t).masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    return F.cross_entropy(logits, torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]))


def simclr(args):
    enc = ResNet18(3, args.width)
    f = enc.features
    head = nn.Sequential(nn.Linear(f, f, bias=False), nn.BatchNorm1d(f), nn.ReLU(), nn.Linear(f, 128))
    params = list(enc.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=0.075 * math.sqrt(args.batch), momentum=0.9, weight_decay=1e-6)
    views = [torch.rand(2 * args.batch, 3, args.size, args.size) for _ in range(2)]
    def step(i):
        z = head(enc(views[i % 2]))
        loss = nt_xent(z[:args.batch], z[args.batch:], 0.5)
        opt.zero_grad(); loss.backward(); opt.step()
    return timed(step, args)


def dino(args):
    def branch():
        enc = Vit(3, args.size, 4, depth=args.layers)
        return nn.ModuleDict({"enc": enc, "head": DinoHead(enc.features, args.out)})
    student, teacher = branch(), branch()
    teacher.load_state_dict(student.state_dict())
    for p in teacher.parameters(): p.requires_grad = False
    run = lambda m, x: m["head"](m["enc"](x))
    opt = torch.optim.AdamW(student.parameters(), lr=0.0005 * args.batch / 256, weight_decay=0.04)
    centre = torch.zeros(1, args.out)
    local = max(4, round(args.size * 96 / 224 / 4) * 4)
    glob = torch.rand(2 * args.batch, 3, args.size, args.size)
    loc = torch.rand(args.local * args.batch, 3, local, local)
    def step(i):
        nonlocal centre
        with torch.no_grad():
            t = run(teacher, glob)
        s = list(run(student, glob).chunk(2)) + list(run(student, loc).chunk(args.local))
        targets = [F.softmax((x - centre) / 0.04, -1) for x in t.chunk(2)]
        total, n = 0, 0
        for q, tq in enumerate(targets):
            for v, sv in enumerate(s):
                if v == q: continue
                total = total + (-tq * F.log_softmax(sv / 0.1, -1)).sum(-1).mean(); n += 1
        loss = total / n
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 3.0)
        opt.step()
        with torch.no_grad():
            for pt, ps in zip(teacher.parameters(), student.parameters()): pt.mul_(0.996).add_(ps.detach(), alpha=0.004)
            centre = centre * 0.9 + t.mean(0, keepdim=True) * 0.1
    return timed(step, args)


def timed(step, args):
    for i in range(args.warmup): step(i)
    start = time.perf_counter()
    for i in range(args.steps): step(i)
    return args.steps * args.batch / (time.perf_counter() - start)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--method", choices=["simclr", "dino"], required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--layers", type=int, default=12)
    p.add_argument("--out", type=int, default=4096)
    p.add_argument("--local", type=int, default=8)
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    print(json.dumps({"images_per_second": simclr(a) if a.method == "simclr" else dino(a)}))
