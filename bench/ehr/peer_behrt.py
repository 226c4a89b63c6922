"""BEHRT pre-training as LabelFree builds it (BehrtConfig defaults), in PyTorch, for a side-by-side throughput.

Data: the bundled NAFLD cohort in the long format, read with the standard library. Each patient's sentence follows
LabelFree's rules (BehrtSequence): [CLS] sex, then each day's events followed by [SEP], the most recent whole visits
within 64 tokens; values as decile tokens per code; ages in months; segments alternating per visit; positions = the
visit's number. Patients are split 70/10/20 by a hash (not LabelFree's stream, so the sets differ; the sizes and the
length distribution are the same), vocabulary and bins from the training patients.
Model: token + age + segment embeddings + fixed sinusoidal visit positions, LayerNorm(1e-12), dropout 0.1; 2 post-norm
BERT layers (torch.nn.TransformerEncoderLayer, width 96, 4 heads, GELU MLP of 192, dropout 0.1); MLM head (dense, GELU,
LayerNorm, decoder tied to the token table) on the masked tokens only. BERT masking 15% 80/10/10 of ordinary tokens,
batches of 64 padded to their longest sentence, AdamW lr 1e-3 with weight decay 0.01 except biases and norms, linear
warm-up over 100 steps then linear decay, gradients clipped at norm 1. Prints training patients per second.
"""
import argparse
import csv
import gzip
import hashlib
import math
import random
import time
from collections import defaultdict

import torch
from torch import nn

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def read(events_path, patients_path):
    patients = {}
    with gzip.open(patients_path, "rt") as f:
        for r in csv.DictReader(f):
            patients[r["patient"]] = (r["sex"], -round(float(r["age"]) * 365.25))
    events = defaultdict(list)
    with gzip.open(events_path, "rt") as f:
        for r in csv.DictReader(f):
            events[r["patient"]].append((int(r["days"]), r["code"], float(r["value"]) if r["value"] not in ("", "NA") else None))
    return patients, events


def sentences(events_path, patients_path, max_length=64, bins=10, min_count=5):
    patients, events = read(events_path, patients_path)
    part = {p: int(hashlib.md5(p.encode()).hexdigest(), 16) % 10 for p in patients}
    train = [p for p in patients if part[p] < 7]
    values = defaultdict(list)
    for p in train:
        for _, code, value in events[p]:
            if value is not None:
                values[code].append(value)
    edges = {}
    for code, v in values.items():
        v.sort()
        edges[code] = sorted({v[int((len(v) - 1) * i / bins)] for i in range(1, bins)})

    def token(code, value):
        return code if value is None or code not in edges else f"{code}:q{1 + sum(e < value for e in edges[code])}"

    counts = defaultdict(int)
    for p in train:
        counts["sex:" + patients[p][0]] += 1
        for _, code, value in events[p]:
            counts[token(code, value)] += 1
    vocabulary = SPECIALS + sorted(t for t, c in counts.items() if c >= min_count)
    index = {t: i for i, t in enumerate(vocabulary)}
    result = []
    for p in train:
        sex, birth = patients[p]
        visits = []
        for day, code, value in sorted(events[p], key=lambda e: e[0]):
            if not visits or visits[-1][0] != day:
                visits.append((day, []))
            visits[-1][1].append(index.get(token(code, value), 1))
        budget, first = max_length - 2, len(visits)
        while first > 0 and len(visits[first - 1][1]) + 1 <= budget:
            budget -= len(visits[first - 1][1]) + 1
            first -= 1
        if first == len(visits) and visits:
            visits[-1] = (visits[-1][0], visits[-1][1][len(visits[-1][1]) - (budget - 1):])
            first = len(visits) - 1
        if first == len(visits):
            continue
        age = lambda d: min(int((d - birth) / (365.25 / 12)), 1320) + 1
        t, a, s, q = [2, index.get("sex:" + sex, 1)], [age(visits[first][0])] * 2, [0, 0], [0, 0]
        for k, (day, codes) in enumerate(visits[first:]):
            for c in codes + [3]:
                t.append(c), a.append(age(day)), s.append(k % 2), q.append(k)
        result.append((t, a, s, q))
    return result, len(vocabulary)


def sinusoids(positions, hidden):
    pairs = (hidden + 1) // 2
    frequencies = torch.exp(torch.arange(pairs, dtype=torch.float64) * (-2.0 * math.log(10000) / hidden))
    angles = positions.double().unsqueeze(-1) * frequencies
    return torch.stack([angles.sin(), angles.cos()], -1).flatten(-2)[..., :hidden].float()


class Behrt(nn.Module):
    def __init__(self, vocabulary, hidden=96, layers=2, heads=4, intermediate=192, ages=1322):
        super().__init__()
        self.hidden = hidden
        self.tokens = nn.Embedding(vocabulary, hidden, padding_idx=0)
        self.ages = nn.Embedding(ages, hidden)
        self.segments = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(hidden, heads, intermediate, 0.1, activation="gelu", layer_norm_eps=1e-12, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.dense = nn.Linear(hidden, hidden)
        self.head_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(vocabulary))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0, 0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, tokens, ages, segments, positions, keep, labels):
        x = self.tokens(tokens) + self.ages(ages) + self.segments(segments) + sinusoids(positions, self.hidden)
        x = self.encoder(self.dropout(self.norm(x)), src_key_padding_mask=~keep)
        chosen = labels.reshape(-1).ne(-100).nonzero().squeeze(-1)
        h = x.reshape(-1, self.hidden).index_select(0, chosen)
        logits = nn.functional.linear(self.head_norm(nn.functional.gelu(self.dense(h))), self.tokens.weight, self.bias)
        return nn.functional.cross_entropy(logits, labels.reshape(-1).index_select(0, chosen))


def batch(rows, vocabulary, rng):
    length = max(len(r[0]) for r in rows)
    out = [torch.zeros(len(rows), length, dtype=torch.long) for _ in range(4)]
    keep = torch.zeros(len(rows), length, dtype=torch.bool)
    labels = torch.full((len(rows), length), -100, dtype=torch.long)
    for b, row in enumerate(rows):
        n = len(row[0])
        for k in range(4):
            out[k][b, :n] = torch.tensor(row[k])
        keep[b, :n] = True
        for i, t in enumerate(row[0]):
            if t >= len(SPECIALS) and rng.random() < 0.15:
                labels[b, i] = t
                u = rng.random()
                if u < 0.8:
                    out[0][b, i] = 4
                elif u < 0.9:
                    out[0][b, i] = rng.randrange(len(SPECIALS), vocabulary)
    return (*out, keep, labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", required=True)
    parser.add_argument("--patients", required=True)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows, vocabulary = sentences(args.events, args.patients)
    model = Behrt(vocabulary)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min((s + 1) / 100, max(0.0, (args.steps - s) / max(1, args.steps - 100))))
    rng = random.Random(0)
    order = list(range(len(rows)))
    rng.shuffle(order)
    start = time.perf_counter()
    for step in range(args.steps):
        chosen = [rows[order[(step * 64 + i) % len(rows)]] for i in range(64)]
        loss = model(*batch(chosen, vocabulary, rng))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
    elapsed = time.perf_counter() - start
    print(f"{args.steps * 64 / elapsed:.1f}")


if __name__ == "__main__":
    main()
