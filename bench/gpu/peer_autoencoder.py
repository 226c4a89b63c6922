"""The demo's convolutional autoencoder in PyTorch, for a side-by-side training-step rate.

Same layers as LabelFree.Learning/Methods/ConvAutoencoder (channels 16/32/64/128, 3x3 stride-2 convolutions with
LeakyReLU 0.2, 1x1 latent of 16 maps, 4x4 stride-2 transposed convolutions, 3x3 output and sigmoid), AdamW lr 2e-3,
weight decay 1e-4, gradient clipping at 1, batch 16 of 1x112x96 slices. Prints training steps per second.
"""
import argparse
import time

import torch
from torch import nn


def net():
    ch = [16, 32, 64, 128]
    layers, prev = [], 1
    for c in ch:
        layers += [nn.Conv2d(prev, c, 3, stride=2, padding=1), nn.LeakyReLU(0.2)]
        prev = c
    layers += [nn.Conv2d(prev, 16, 1), nn.Conv2d(16, prev, 1), nn.LeakyReLU(0.2)]
    for c in [64, 32, 16, 16]:
        layers += [nn.ConvTranspose2d(prev, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
        prev = c
    layers += [nn.Conv2d(prev, 1, 3, padding=1), nn.Sigmoid()]
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = net().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    data = torch.rand(64, 1, 112, 96)

    def step(i):
        batch = data[(i * 16) % 64:(i * 16) % 64 + 16].to(device)
        loss = nn.functional.mse_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()  # a host sync each step, as LabelFree's Trainer does to check the loss

    for i in range(20):
        step(i)
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for i in range(args.steps):
        step(i)
    if device.type == "cuda":
        torch.cuda.synchronize()
    print(f"{args.steps / (time.perf_counter() - start):.1f}")


if __name__ == "__main__":
    main()
