#!/usr/bin/env python3
"""PyTorch reference for PLE4J's speed comparison (issue: CPU speed vs PyTorch).

The same network as PLE4J's PLE (Tang et al., RecSys 2020) written the way torch-rechub writes it (one
nn.Sequential per expert, a Linear + softmax gate per task and per non-final shared gate, towers with a
sigmoid head), without BatchNorm and dropout, trained with Adam on binary cross-entropy. Random data, fixed
seed. Prints one JSON line: train and inference samples/s (median of --runs timed runs after warm-up) and
the peak resident set size.

Usage: python3 torch_ple.py --config paddle-census|large --batch 1024 [--threads 1]
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn as nn

CONFIGS = {
    # F, tasks, levels, experts per task, shared experts, expert MLP, tower MLP
    "paddle-census": dict(features=499, tasks=2, levels=2, per_task=3, shared=2, expert=[16], tower=[8]),
    "large": dict(features=499, tasks=2, levels=2, per_task=4, shared=4, expert=[256, 128], tower=[64]),
}


def mlp(dims):
    layers = []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers)


class Level(nn.Module):
    def __init__(self, in_dim, c, last):
        super().__init__()
        t, m, s = c["tasks"], c["per_task"], c["shared"]
        dims = [in_dim] + c["expert"]
        self.task_experts = nn.ModuleList([nn.ModuleList([mlp(dims) for _ in range(m)]) for _ in range(t)])
        self.shared_experts = nn.ModuleList([mlp(dims) for _ in range(s)])
        self.task_gates = nn.ModuleList([nn.Linear(in_dim, m + s, bias=False) for _ in range(t)])
        self.shared_gate = None if last else nn.Linear(in_dim, t * m + s, bias=False)

    def forward(self, task_in, shared_in):
        shared = [e(shared_in) for e in self.shared_experts]
        task_out, everything = [], []
        for k, experts in enumerate(self.task_experts):
            own = [e(task_in[k]) for e in experts]
            everything += own
            stacked = torch.stack(own + shared, dim=1)                        # [B, m+s, h]
            g = torch.softmax(self.task_gates[k](task_in[k]), dim=1).unsqueeze(-1)
            task_out.append((g * stacked).sum(dim=1))                          # [B, h]
        shared_out = None
        if self.shared_gate is not None:
            stacked = torch.stack(everything + shared, dim=1)
            g = torch.softmax(self.shared_gate(shared_in), dim=1).unsqueeze(-1)
            shared_out = (g * stacked).sum(dim=1)
        return task_out, shared_out


class Ple(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["expert"][-1]
        self.levels = nn.ModuleList([Level(c["features"] if i == 0 else h, c, i == c["levels"] - 1)
                                     for i in range(c["levels"])])
        self.towers = nn.ModuleList([nn.Sequential(mlp([h] + c["tower"]), nn.Linear(c["tower"][-1], 1))
                                     for _ in range(c["tasks"])])
        self.tasks = c["tasks"]

    def forward(self, x):
        task_in, shared_in = [x] * self.tasks, x
        for level in self.levels:
            task_in, shared_in = level(task_in, shared_in)
        return [torch.sigmoid(t(h)) for t, h in zip(self.towers, task_in)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", default="paddle-census", choices=sorted(CONFIGS))
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=0, help="steps per timed run (default: about 2 s of work)")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    c = CONFIGS[a.config]
    model = Ple(c)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    x = torch.rand(a.batch, c["features"])
    ys = [(torch.rand(a.batch, 1) > 0.5).float() for _ in range(c["tasks"])]

    def train_step():
        opt.zero_grad()
        preds = model(x)
        loss = sum(loss_fn(pr, y) for pr, y in zip(preds, ys))
        loss.backward()
        opt.step()

    def infer_step():
        with torch.no_grad():
            model(x)

    def rate(fn):
        for _ in range(5):
            fn()
        steps = a.steps
        if steps == 0:
            t0 = time.perf_counter()
            fn()
            steps = max(5, int(2.0 / max(time.perf_counter() - t0, 1e-6)))
        rates = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            for _ in range(steps):
                fn()
            rates.append(steps * a.batch / (time.perf_counter() - t0))
        return statistics.median(rates), min(rates), max(rates)

    train = rate(train_step)
    infer = rate(infer_step)
    print(json.dumps({
        "framework": "pytorch", "version": torch.__version__, "config": a.config, "batch": a.batch,
        "threads": a.threads,
        "params": sum(t.numel() for t in model.parameters()),
        "trainSamplesPerSecond": train[0], "trainMin": train[1], "trainMax": train[2],
        "inferSamplesPerSecond": infer[0], "inferMin": infer[1], "inferMax": infer[2],
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }))


if __name__ == "__main__":
    main()
