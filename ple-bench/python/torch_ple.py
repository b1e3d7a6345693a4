#!/usr/bin/env python3
"""PyTorch reference for PLE4J's speed comparison (issue: CPU speed vs PyTorch).

The same network as PLE4J's PLE (Tang et al., RecSys 2020), without BatchNorm and dropout, trained with Adam
on the sum over tasks of binary cross-entropy (on logits; inference returns the sigmoid), in one of two
formulations with the same parameters:

- ``--impl fused`` (default): the way a PyTorch engineer writes it for speed. Per extraction level, the first
  layer of all experts that read the same input is ONE ``torch.addmm`` (level 0: every expert reads x, so one
  product for all of them; later levels: one per task's experts and one for the shared experts), deeper
  expert layers are ONE ``torch.baddbmm`` over the experts, the level-0 gate logits (all read x) are one
  product, and each gate (softmax, no bias) mixes its experts, a contiguous block of the expert outputs, in
  one step: ``--mix mul-sum`` (default, a broadcast multiply and sum) or ``--mix einsum`` (torch.einsum,
  which runs as a batched product of 1-row matrices and measured up to 2x slower on CPU). ``--layout
  feature`` (default) keeps activations feature-major, [features, B] (the same products transposed: every
  operand contiguous, gates mix along contiguous rows of B); ``--layout batch`` is the batch-major form,
  [B, in] x [in, E*h0] and [E, B, a] x [E, a, b]. feature + mul-sum measured fastest on every config.
- ``--impl per-expert``: the way torch-rechub writes it (one nn.Sequential per expert, a Linear + softmax
  gate per task and per non-final shared gate), the original formulation of this script.

Task k's gate at a level mixes [task k's experts, shared experts] reading task k's input of that level; the
shared gate (all levels but the last) mixes all experts of the level (every task's, then the shared ones)
reading the shared input. Towers: MLP + Linear(..., 1) per task, the same in both formulations. ``--check``
builds both, copies the per-expert weights into the fused one and asserts that the outputs (1e-5) and the
gradients agree and that the parameter counts are equal, then exits.

Configs: ``paddle-census`` and ``large`` read F = 499 dense features. ``ids-1e5``, ``ids-1e6``, ``ids-1e7``,
``criteo`` and ``bags`` put the paddle-census PLE on sparse ID features: x = concat(dense [B, F], the
embedding of every single-valued field, the pooled embedding of every bag field), embedding width 16, one
``nn.Embedding(V, 16, sparse=True)`` per table (initialised uniform(-0.05, 0.05)), bags through
``F.embedding_bag`` in offsets form; tables trained with ``SparseAdam``, the rest with ``Adam`` (lr 1e-3).
IDs are uniform in [0, V) or (``--ids zipf``) Zipf: P(id = r) ~ 1/(r+1)^1.05, exact inverse-CDF sampling.

Data: a pool of ``--pool`` (default 4) distinct fixed-seed random batches (dense features uniform [0, 1),
labels Bernoulli(0.5)), cycled through in the timed loops, as PLE4J's benchmark does; ``--pool 1`` is one
batch. Gradients are reset with ``zero_grad(set_to_none=True)``. Prints one JSON line: train and inference
(no_grad forward) samples/s (median, min and max of --runs timed runs after warm-up), the dense parameter
count, the total embedding rows, the CPU, and the peak resident set size of the process.

OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS default to --threads (set before torch loads).

Usage: python3 torch_ple.py --config paddle-census|large|ids-1e5|ids-1e6|ids-1e7|criteo|bags --batch 1024
                            [--threads 1] [--impl fused|per-expert] [--mix mul-sum|einsum]
                            [--layout feature|batch] [--ids uniform|zipf] [--pool 4] [--check]
       The original script's measurement: --impl per-expert --pool 1.
"""
import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import time


def _threads_arg(argv):
    for i, s in enumerate(argv):
        if s == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if s.startswith("--threads="):
            return s.split("=", 1)[1]
    return "1"


# The BLAS reads its thread count when it is loaded, so this has to happen before torch is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _threads_arg(sys.argv[1:]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

EMBED_DIM = 16
# Criteo Kaggle cardinalities of C1..C26, capped at 10^6.
CRITEO_ROWS = [1460, 583, 1000000, 1000000, 305, 24, 12517, 633, 3, 93145, 5683, 1000000, 3194, 27, 14992,
               1000000, 10, 5652, 2173, 4, 1000000, 18, 15, 286181, 105, 142572]
CENSUS_PLE = dict(tasks=2, levels=2, per_task=3, shared=2, expert=[16], tower=[8])


def _ids_config(features, tables, single, bags=()):
    # tables: name -> rows; single: [(field, table)]; bags: [(field, table, mode, min length, max length)]
    return dict(features=features, tables=dict(tables), single=list(single), bags=list(bags), **CENSUS_PLE)


CONFIGS = {
    # F (dense features), tasks, levels, experts per task, shared experts, expert MLP, tower MLP
    "paddle-census": dict(features=499, **CENSUS_PLE),
    "large": dict(features=499, tasks=2, levels=2, per_task=4, shared=4, expert=[256, 128], tower=[64]),
    "ids-1e5": _ids_config(8, {"user": 10**5, "item": 10**5}, [("user", "user"), ("item", "item")]),
    "ids-1e6": _ids_config(8, {"user": 10**6, "item": 10**6}, [("user", "user"), ("item", "item")]),
    "ids-1e7": _ids_config(8, {"user": 10**7, "item": 10**7}, [("user", "user"), ("item", "item")]),
    "criteo": _ids_config(13, {f"C{i + 1}": v for i, v in enumerate(CRITEO_ROWS)},
                          [(f"C{i + 1}", f"C{i + 1}") for i in range(len(CRITEO_ROWS))]),
    "bags": _ids_config(8, {"user": 10**6, "item": 10**6, "tags": 10**4}, [("user", "user"), ("item", "item")],
                        [("history", "item", "mean", 1, 50), ("tags", "tags", "sum", 0, 8)]),
}


def input_width(c):
    return c["features"] + EMBED_DIM * (len(c.get("single", [])) + len(c.get("bags", [])))


# ---------------------------------------------------------------------------------------------------------
# Sparse ID features
# ---------------------------------------------------------------------------------------------------------

class SparseFeatures(nn.Module):
    """x = concat(dense, embedding of each single-valued field, pooled embedding of each bag field)."""

    def __init__(self, c):
        super().__init__()
        self.tables = nn.ModuleDict({
            name: nn.Embedding.from_pretrained(torch.empty(rows, EMBED_DIM).uniform_(-0.05, 0.05),
                                               freeze=False, sparse=True)
            for name, rows in c["tables"].items()})
        self.single = [table for _, table in c["single"]]
        self.bags = [(table, mode) for _, table, mode, _, _ in c["bags"]]

    def forward(self, dense, single_ids, bags):
        parts = [dense]
        parts += [self.tables[t](ids) for t, ids in zip(self.single, single_ids)]
        parts += [F.embedding_bag(flat, self.tables[t].weight, offsets, mode=mode, sparse=True)
                  for (t, mode), (flat, offsets) in zip(self.bags, bags)]
        return torch.cat(parts, dim=1)


# ---------------------------------------------------------------------------------------------------------
# Per-expert formulation (torch-rechub style)
# ---------------------------------------------------------------------------------------------------------

def mlp(dims):
    layers = []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers)


def towers(c):
    h = c["expert"][-1]
    return nn.ModuleList([nn.Sequential(mlp([h] + c["tower"]), nn.Linear(c["tower"][-1], 1))
                          for _ in range(c["tasks"])])


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
    """Per-expert PLE on an input of width in_dim; returns one logit [B, 1] per task."""

    def __init__(self, c, in_dim):
        super().__init__()
        h = c["expert"][-1]
        self.levels = nn.ModuleList([Level(in_dim if i == 0 else h, c, i == c["levels"] - 1)
                                     for i in range(c["levels"])])
        self.towers = towers(c)
        self.tasks = c["tasks"]

    def forward(self, x):
        task_in, shared_in = [x] * self.tasks, x
        for level in self.levels:
            task_in, shared_in = level(task_in, shared_in)
        return [t(h) for t, h in zip(self.towers, task_in)]


# ---------------------------------------------------------------------------------------------------------
# Fused formulation
# ---------------------------------------------------------------------------------------------------------

def _uniform_param(shape, fan_in):
    # nn.Linear's default initialisation: weight and bias uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))
    bound = 1.0 / fan_in ** 0.5
    return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))


class FusedLevel(nn.Module):
    """One extraction level with all experts side by side.

    Expert order ("layout"): task 0's experts, the shared experts, then tasks 1..t-1. With two tasks every
    gate's experts are then one contiguous block ([task 0, shared], [shared, task 1], all), so gates mix a
    view of the expert outputs without gathering them; with more tasks, tasks 2.. gather theirs. A gate's
    weight columns follow the layout order of its experts (softmax does not care about the order).

    Activations are batch-major ([B, features], experts [E, B, h] or [B, E, h]) with layout "batch", or
    feature-major ([features, B], experts [E, h, B]) with layout "feature": the same products transposed,
    where every product reads and writes contiguous blocks and gates mix along contiguous rows of B.
    """

    def __init__(self, in_dim, c, first, last, mix, layout):
        super().__init__()
        t, m, s = c["tasks"], c["per_task"], c["shared"]
        dims = [in_dim] + c["expert"]
        self.tasks, self.first, self.mix, self.fm = t, first, mix, layout == "feature"
        self.layout = ([("task", 0, j) for j in range(m)] + [("shared", None, j) for j in range(s)]
                       + [("task", k, j) for k in range(1, t) for j in range(m)])
        self.experts = len(self.layout)
        self.h0 = dims[1]

        def weight(fan_in, out):        # a dense layer's weight, [out, in] feature-major or [in, out]
            return _uniform_param((out, fan_in) if self.fm else (fan_in, out), fan_in)

        def bias(fan_in, out):
            return _uniform_param((out, 1) if self.fm else (out,), fan_in)

        # first layer: one product per group of experts reading the same input; groups in layout order
        if first:
            self.groups = [("all", self.experts)]
        else:
            self.groups = [("task", 0, m), ("shared", s)] + [("task", k, m) for k in range(1, t)]
        self.first_w = nn.ParameterList([weight(in_dim, g[-1] * self.h0) for g in self.groups])
        self.first_b = nn.ParameterList([bias(in_dim, g[-1] * self.h0) for g in self.groups])
        deep = list(zip(dims[1:-1], dims[2:]))
        e = self.experts
        self.deep_w = nn.ParameterList([_uniform_param((e, b, a) if self.fm else (e, a, b), a) for a, b in deep])
        self.deep_b = nn.ParameterList([_uniform_param((e, b, 1) if self.fm else (e, 1, b), a) for a, b in deep])
        # gates: (source, layout positions of the experts they mix); source = task index or "shared"
        self.gates = []
        for k in range(t):
            own = [("task", k, j) for j in range(m)] + [("shared", None, j) for j in range(s)]
            self.gates.append((k, sorted(self.layout.index(x) for x in own)))
        if not last:
            self.gates.append(("shared", list(range(self.experts))))
        self.gate_select = []    # None: all experts; (start, length): a block; name of an index buffer
        for i, (_, pos) in enumerate(self.gates):
            if len(pos) == self.experts:
                self.gate_select.append(None)
            elif pos == list(range(pos[0], pos[0] + len(pos))):
                self.gate_select.append((pos[0], len(pos)))
            else:
                self.register_buffer(f"gate_index_{i}", torch.tensor(pos), persistent=False)
                self.gate_select.append(f"gate_index_{i}")
        self.gate_sizes = [len(pos) for _, pos in self.gates]
        if first:   # every gate reads x: one product for all gate logits
            self.gate_w = nn.ParameterList([weight(in_dim, sum(self.gate_sizes))])
        else:
            self.gate_w = nn.ParameterList([weight(in_dim, n) for n in self.gate_sizes])

    def _product(self, x, w, b=None):
        if self.fm:
            return torch.mm(w, x) if b is None else torch.addmm(b, w, x)
        return torch.mm(x, w) if b is None else torch.addmm(b, x, w)

    def _expert_outputs(self, task_in, shared_in):
        """The expert outputs and their expert axis."""
        if self.first:
            h = self._product(shared_in, self.first_w[0], self.first_b[0])
        else:
            inputs = [shared_in if g[0] == "shared" else task_in[g[1]] for g in self.groups]
            h = torch.cat([self._product(x, w, b) for x, w, b in zip(inputs, self.first_w, self.first_b)],
                          dim=0 if self.fm else 1)
        h = torch.relu_(h)                                                     # [E*h0, B] or [B, E*h0]
        if self.fm:
            y = h.view(self.experts, self.h0, h.shape[1])                      # [E, h0, B]
            for w, b in zip(self.deep_w, self.deep_b):
                y = torch.relu_(torch.baddbmm(b, w, y))                        # [E, b, B]
            return y, 0
        batch = h.shape[0]
        if len(self.deep_w) == 0:
            return h.view(batch, self.experts, self.h0), 1                     # [B, E, h]
        y = h.view(batch, self.experts, self.h0).transpose(0, 1)               # [E, B, h0]
        for w, b in zip(self.deep_w, self.deep_b):
            y = torch.relu_(torch.baddbmm(b, y, w))                            # [E, B, b]
        return y, 0

    def _mix(self, g, experts, axis, select):
        if select is None:
            part = experts
        elif isinstance(select, tuple):
            part = experts.narrow(axis, select[0], select[1])
        else:
            part = experts.index_select(axis, getattr(self, select))
        if self.fm:                                                            # g [n, B], part [n, h, B]
            if self.mix == "einsum":
                return torch.einsum("nb,nhb->hb", g, part)
            return (g.unsqueeze(1) * part).sum(dim=0)
        if self.mix == "einsum":                                               # g [B, n]
            return torch.einsum("bn,nbh->bh" if axis == 0 else "bn,bnh->bh", g, part)
        if axis == 0:
            return (g.t().unsqueeze(-1) * part).sum(dim=0)
        return (g.unsqueeze(-1) * part).sum(dim=1)

    def forward(self, task_in, shared_in):
        experts, axis = self._expert_outputs(task_in, shared_in)
        if self.first:
            logits = self._product(shared_in, self.gate_w[0]).split(self.gate_sizes, dim=0 if self.fm else 1)
        else:
            logits = [self._product(shared_in if src == "shared" else task_in[src], w)
                      for (src, _), w in zip(self.gates, self.gate_w)]
        outs = [self._mix(torch.softmax(z, dim=0 if self.fm else 1), experts, axis, sel)
                for z, sel in zip(logits, self.gate_select)]
        return outs[:self.tasks], (outs[self.tasks] if len(outs) > self.tasks else None)


class FusedPle(nn.Module):
    """Fused PLE on an input of width in_dim; returns one logit [B, 1] per task."""

    def __init__(self, c, in_dim, mix="mul-sum", layout="feature"):
        super().__init__()
        h, n = c["expert"][-1], c["levels"]
        self.levels = nn.ModuleList([FusedLevel(in_dim if i == 0 else h, c, i == 0, i == n - 1, mix, layout)
                                     for i in range(n)])
        self.towers = towers(c)
        self.tasks, self.fm = c["tasks"], layout == "feature"

    def forward(self, x):
        if self.fm:
            x = x.t()                                                          # [in, B], a view
        task_in, shared_in = [x] * self.tasks, x
        for level in self.levels:
            task_in, shared_in = level(task_in, shared_in)
        return [t(h.t() if self.fm else h) for t, h in zip(self.towers, task_in)]


# ---------------------------------------------------------------------------------------------------------
# Whole network, data, check
# ---------------------------------------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self, c, impl, mix="mul-sum", layout="feature", features=None):
        super().__init__()
        if features is None and c.get("tables"):
            features = SparseFeatures(c)
        self.features = features
        self.body = FusedPle(c, input_width(c), mix, layout) if impl == "fused" else Ple(c, input_width(c))

    def forward(self, batch):
        x = batch["dense"] if self.features is None else self.features(batch["dense"], batch["single"], batch["bags"])
        return self.body(x)

    def predict(self, batch):
        return [torch.sigmoid(z) for z in self(batch)]

    def dense_parameters(self):
        return list(self.body.parameters())

    def table_parameters(self):
        return [] if self.features is None else list(self.features.parameters())


def loss_of(logits, labels):
    return sum(F.binary_cross_entropy_with_logits(z, y) for z, y in zip(logits, labels))


class IdSampler:
    def __init__(self, rng, dist):
        self.rng, self.dist, self.cdfs = rng, dist, {}

    def __call__(self, rows, n):
        if self.dist == "uniform":
            return self.rng.integers(0, rows, n)
        cdf = self.cdfs.get(rows)
        if cdf is None:   # P(r) ~ 1/(r+1)^1.05, r in [0, rows)
            cdf = np.cumsum(np.arange(1, rows + 1, dtype=np.float64) ** -1.05)
            cdf /= cdf[-1]
            self.cdfs[rows] = cdf
        return np.minimum(np.searchsorted(cdf, self.rng.random(n), side="right"), rows - 1)


def make_batches(c, batch, count, dist, seed=2):
    rng = np.random.default_rng(seed)
    draw = IdSampler(rng, dist)
    tables = c.get("tables", {})
    out = []
    for _ in range(count):
        b = {"dense": torch.from_numpy(rng.random((batch, c["features"]), dtype=np.float32)), "single": [], "bags": []}
        for _, table in c.get("single", []):
            b["single"].append(torch.from_numpy(draw(tables[table], batch)))
        for _, table, _, lo, hi in c.get("bags", []):
            lengths = rng.integers(lo, hi + 1, batch)
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
            b["bags"].append((torch.from_numpy(draw(tables[table], int(lengths.sum()))), torch.from_numpy(offsets)))
        b["labels"] = [torch.from_numpy((rng.random((batch, 1)) < 0.5).astype(np.float32)) for _ in range(c["tasks"])]
        out.append(b)
    return out


def weight_pairs(pe, fu):
    """(per-expert param, view fn, fused param, view fn): the two views hold the same weights."""
    ident = lambda t: t  # noqa: E731
    pairs = []
    for pl, fl in zip(pe.levels, fu.levels):
        def expert(e):
            return pl.task_experts[e[1]][e[2]] if e[0] == "task" else pl.shared_experts[e[2]]

        group_of = []   # layout position -> (group index, offset in group)
        for gi, g in enumerate(fl.groups):
            group_of += [(gi, q) for q in range(g[-1])]
        h0, fm = fl.h0, fl.fm
        for p, e in enumerate(fl.layout):
            linears = [mod for mod in expert(e) if isinstance(mod, nn.Linear)]
            gi, q = group_of[p]
            rows = slice(q * h0, (q + 1) * h0)
            if fm:   # weights [out, in] like nn.Linear, biases [out, 1], deep [E, out, in] and [E, out, 1]
                pairs.append((linears[0].weight, ident, fl.first_w[gi], lambda t, rows=rows: t[rows]))
                pairs.append((linears[0].bias, ident, fl.first_b[gi], lambda t, rows=rows: t[rows, 0]))
            else:    # weights [in, out], biases [out], deep [E, in, out] and [E, 1, out]
                pairs.append((linears[0].weight, ident, fl.first_w[gi], lambda t, rows=rows: t[:, rows].t()))
                pairs.append((linears[0].bias, ident, fl.first_b[gi], lambda t, rows=rows: t[rows]))
            for lin, w, b in zip(linears[1:], fl.deep_w, fl.deep_b):
                pairs.append((lin.weight, ident, w, (lambda t, p=p: t[p]) if fm else (lambda t, p=p: t[p].t())))
                pairs.append((lin.bias, ident, b, (lambda t, p=p: t[p, :, 0]) if fm else (lambda t, p=p: t[p, 0])))
        t, m = len(pl.task_experts), len(pl.task_experts[0])
        offset = 0
        for gi, (src, pos) in enumerate(fl.gates):
            pe_gate = pl.shared_gate if src == "shared" else pl.task_gates[src]
            fw = fl.gate_w[0] if fl.first else fl.gate_w[gi]
            base = offset if fl.first else 0
            for col, p in enumerate(pos):
                kind, k, j = fl.layout[p]
                if src == "shared":
                    row = k * m + j if kind == "task" else t * m + j
                else:
                    row = j if kind == "task" else m + j
                pairs.append((pe_gate.weight, lambda w, row=row: w[row], fw,
                              (lambda w, c=base + col: w[c]) if fm else (lambda w, c=base + col: w[:, c])))
            offset += len(pos)
    for pt, ft in zip(pe.towers, fu.towers):
        for a, b in zip(pt.parameters(), ft.parameters()):
            pairs.append((a, ident, b, ident))
    return pairs


def check(c, batch, dist, mix, layout):
    torch.manual_seed(1)
    pe = Net(c, "per-expert")
    # the fused net shares the per-expert net's tables: the same as copying them, without a second copy in memory
    fu = Net(c, "fused", mix, layout, features=pe.features)
    n_pe, n_fu = (sum(t.numel() for t in n.dense_parameters()) for n in (pe, fu))
    assert n_pe == n_fu, f"parameter counts differ: per-expert {n_pe}, fused {n_fu}"
    pairs = weight_pairs(pe.body, fu.body)
    covered = sum(fb(b.data).numel() for _, _, b, fb in pairs)
    assert covered == n_fu, f"the weight mapping covers {covered} of {n_fu} parameters"
    with torch.no_grad():
        for p in fu.body.parameters():
            p.fill_(float("nan"))
        for a, fa, b, fb in pairs:
            fb(b.data).copy_(fa(a.data))
        assert all(not torch.isnan(p).any() for p in fu.body.parameters()), "fused parameters left unset"
    data = make_batches(c, batch, 1, dist, seed=3)[0]
    with torch.no_grad():
        out_pe, out_fu = pe.predict(data), fu.predict(data)
        logit_pe, logit_fu = pe(data), fu(data)
    diff = max(float((a - b).abs().max()) for a, b in zip(out_pe, out_fu))
    logit_diff = max(float((a - b).abs().max()) for a, b in zip(logit_pe, logit_fu))
    assert diff <= 1e-5 and logit_diff <= 1e-5, f"outputs differ: sigmoid {diff:.3g}, logits {logit_diff:.3g}"
    grads = {}
    for name, net in (("pe", pe), ("fu", fu)):
        for p in itertools.chain(pe.parameters(), fu.parameters()):
            p.grad = None
        loss_of(net(data), data["labels"]).backward()
        grads[name] = {id(p): p.grad.clone() for p in net.parameters() if p.grad is not None}
    grad_diff = 0.0
    for a, fa, b, fb in pairs:
        ga, gb = fa(grads["pe"][id(a)]), fb(grads["fu"][id(b)])
        assert torch.allclose(ga, gb, rtol=1e-4, atol=1e-6), f"gradients differ: {float((ga - gb).abs().max()):.3g}"
        grad_diff = max(grad_diff, float((ga - gb).abs().max()))
    for p in pe.table_parameters():
        ga, gb = grads["pe"][id(p)].coalesce(), grads["fu"][id(p)].coalesce()
        assert torch.equal(ga.indices(), gb.indices()), "embedding gradients touch different rows"
        assert torch.allclose(ga.values(), gb.values(), rtol=1e-4, atol=1e-7), "embedding gradients differ"
    print("OK " + json.dumps(dict(config=c["name"], batch=batch, ids=dist if c.get("tables") else None, mix=mix,
                                  layout=layout, params=n_fu, maxOutputDiff=diff, maxLogitDiff=logit_diff,
                                  maxGradDiff=grad_diff)))


def cpu_info():
    model, flags = None, set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model is None:
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    wanted = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "amx_tile"]
    return {"model": model, "flags": [f for f in wanted if f in flags]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", default="paddle-census", choices=sorted(CONFIGS))
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=0, help="steps per timed run (default: about 2 s of work)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--impl", default="fused", choices=["fused", "per-expert"])
    p.add_argument("--mix", default="mul-sum", choices=["mul-sum", "einsum"],
                   help="fused: gates mix experts with a broadcast multiply and sum, or with torch.einsum")
    p.add_argument("--layout", default="feature", choices=["feature", "batch"],
                   help="fused: activations feature-major [features, B] or batch-major [B, features]")
    p.add_argument("--ids", default="uniform", choices=["uniform", "zipf"], help="ID distribution (ID configs)")
    p.add_argument("--pool", type=int, default=4, help="distinct random batches cycled through")
    p.add_argument("--check", action="store_true", help="check fused against per-expert, print OK and exit")
    a = p.parse_args()
    if a.batch < 1 or a.runs < 1 or a.pool < 1 or a.steps < 0 or a.threads < 1:
        p.error("need --batch, --runs, --pool, --threads >= 1 and --steps >= 0")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        if os.environ.get(var) != str(a.threads):
            print(f"warning: {var}={os.environ.get(var)} but --threads {a.threads}", file=sys.stderr)
    torch.set_num_threads(a.threads)
    c = dict(CONFIGS[a.config], name=a.config)
    sparse = bool(c.get("tables"))
    if a.check:
        check(c, a.batch, a.ids, a.mix, a.layout)
        return
    torch.manual_seed(1)
    model = Net(c, a.impl, a.mix, a.layout)
    opts = [torch.optim.Adam(model.dense_parameters(), lr=1e-3)]
    if sparse:
        opts.append(torch.optim.SparseAdam(model.table_parameters(), lr=1e-3))
    pool = make_batches(c, a.batch, a.pool, a.ids)
    turn = itertools.count()

    def train_step():
        b = pool[next(turn) % len(pool)]
        for o in opts:
            o.zero_grad(set_to_none=True)
        loss_of(model(b), b["labels"]).backward()
        for o in opts:
            o.step()

    def infer_step():
        b = pool[next(turn) % len(pool)]
        with torch.no_grad():
            model.predict(b)

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
        "impl": a.impl, "mix": a.mix if a.impl == "fused" else None,
        "layout": a.layout if a.impl == "fused" else None, "ids": a.ids if sparse else None,
        "threads": a.threads, "pool": a.pool,
        "params": sum(t.numel() for t in model.dense_parameters()),
        "tableRows": sum(c.get("tables", {}).values()),
        "trainSamplesPerSecond": train[0], "trainMin": train[1], "trainMax": train[2],
        "inferSamplesPerSecond": infer[0], "inferMin": infer[1], "inferMax": infer[2],
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "cpu": cpu_info(),
    }))


if __name__ == "__main__":
    main()
