"""The DNA language model LabelFree's bench driver trains (bench/LabelFree.Bench.Dna), in PyTorch, for a side-by-side
training speed.

Nucleotide Transformer family at 4 layers of 256: token embedding (4,107 tokens, padding 1), rotary positions (base
10,000) on queries and keys, pre-norm blocks (LayerNorm eps 1e-12) of 4-head self-attention and a bias-free SwiGLU MLP
of 1,024, a final LayerNorm, no dropout; BERT's MLM head (dense, GELU, LayerNorm, untied decoder with bias) on the
masked tokens only. Inputs: random ids of 4,096 6-mers with a leading <cls>, 15% of the others masked (80% <mask>,
10% random, 10% kept) on the CPU each step. AdamW (0.9, 0.98), eps 1e-6, weight decay 0.01 on matrices only, linear
warm-up over 5% of the steps then linear decay, gradient norm clipped at 1. Weights: normal(0, 0.02), zero biases.
Attention is computed as softmax(q k^T / sqrt(d)) (Debian's PyTorch 1.13 has no scaled_dot_product_attention).
Prints one JSON line: training tokens per second over the timed steps, after 3 warm-up steps.
"""
import argparse
import json
import math
import resource
import time

import torch
from torch import nn
import torch.nn.functional as F

VOCAB, PAD, MASK, CLS, FIRST_KMER = 4107, 1, 2, 3, 6


def rotary(x, cos, sin):
    # x: (B, nh, T, d); rotate pairs (first half, second half) as ESM / NT do
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class Block(nn.Module):
    def __init__(self, d, heads, inner):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d, eps=1e-12)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.norm2 = nn.LayerNorm(d, eps=1e-12)
        self.w_in = nn.Linear(d, 2 * inner, bias=False)   # one matrix for both halves, as LabelFree's SwiGLU
        self.w_out = nn.Linear(inner, d, bias=False)

    def forward(self, x, mask, cos, sin):
        B, T, D = x.shape
        h = self.norm1(x)
        q, k, v = (p(h).view(B, T, self.heads, D // self.heads).transpose(1, 2) for p in (self.q, self.k, self.v))  # (B, nh, T, d)
        q, k = rotary(q, cos, sin), rotary(k, cos, sin)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D // self.heads) + mask                                       # (B, nh, T, T)
        x = x + self.o((scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D))
        a, g = self.w_in(self.norm2(x)).chunk(2, -1)
        return x + self.w_out(F.silu(a) * g)


class Model(nn.Module):
    def __init__(self, d=256, layers=4, heads=4, inner=1024):
        super().__init__()
        self.heads = heads
        self.embed = nn.Embedding(VOCAB, d, padding_idx=PAD)
        self.blocks = nn.ModuleList(Block(d, heads, inner) for _ in range(layers))
        self.final = nn.LayerNorm(d, eps=1e-12)
        self.dense = nn.Linear(d, d)
        self.head_norm = nn.LayerNorm(d, eps=1e-12)
        self.decoder = nn.Linear(d, VOCAB)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0, 0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        with torch.no_grad():
            self.embed.weight[PAD].zero_()

    def forward(self, ids, keep, labels):
        B, T = ids.shape
        d = self.embed.weight.shape[1] // self.heads
        frequencies = 1.0 / 10000 ** (torch.arange(0, d, 2, dtype=torch.float32) / d)
        angles = torch.outer(torch.arange(T, dtype=torch.float32), frequencies)
        cos, sin = torch.cat([angles.cos()] * 2, -1), torch.cat([angles.sin()] * 2, -1)                           # (T, d)
        mask = torch.zeros(B, 1, 1, T).masked_fill(~keep[:, None, None, :], torch.finfo(torch.float32).min)
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x, mask, cos, sin)
        x = self.final(x)
        chosen = labels.ne(-100).reshape(-1).nonzero().squeeze(-1)
        h = x.reshape(-1, x.shape[-1]).index_select(0, chosen)
        logits = self.decoder(self.head_norm(F.gelu(self.dense(h))))
        return F.cross_entropy(logits, labels.reshape(-1).index_select(0, chosen))


def batch(size, tokens, generator):
    ids = torch.randint(FIRST_KMER, FIRST_KMER + 4096, (size, tokens), generator=generator)
    ids[:, 0] = CLS
    chosen = torch.rand(size, tokens, generator=generator) < 0.15
    chosen[:, 0] = False
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    u = torch.rand(size, tokens, generator=generator)
    inputs = ids.clone()
    inputs[chosen & (u < 0.8)] = MASK
    random = chosen & (u >= 0.8) & (u < 0.9)
    inputs[random] = torch.randint(FIRST_KMER, FIRST_KMER + 4096, (int(random.sum()),), generator=generator)
    return inputs, torch.ones(size, tokens, dtype=torch.bool), labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    generator = torch.Generator().manual_seed(1)
    model = Model()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    total = 3 + args.steps
    warm = max(1, total // 20)
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-3, betas=(0.9, 0.98), eps=1e-6)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))

    def step():
        inputs, keep, labels = batch(args.batch, args.tokens, generator)
        loss = model(inputs, keep, labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        return loss.item()

    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - start
    print(json.dumps({"torch": torch.__version__, "tokens": args.tokens, "batch": args.batch, "threads": args.threads,
                      "seconds_per_step": round(seconds / args.steps, 4), "tokens_per_second": round(args.tokens * args.batch * args.steps / seconds),
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


if __name__ == "__main__":
    main()
