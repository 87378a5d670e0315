#!/usr/bin/env python3
"""PyTorch CPU baseline for `dlm4j bench`: the same reference model, objectives and measurements.

Model (the yardstick of docs/design.md): byte vocab 258 (256 bytes + end-of-text + mask), d_model 256,
4 layers, 4 heads, MLP 4x GELU (tanh form), pre-LayerNorm, learned positions, untied head,
biases on, no dropout, T 128, B 16, AdamW (lr 3e-4, betas 0.9/0.95, weight decay 0.1 on matrices), fp32.

Objectives:
  ar         causal attention; predict tokens 1..T from tokens 0..T-1; mean cross-entropy.
  diffusion  bidirectional attention; per sequence t ~ U(0,1), mask each token with probability t
             (at least one), loss = sum over masked positions of CE / (fraction masked), / (B*T).

Measurements, each over --steps steps per repetition, after --warmup warm-up steps:
  train_tokens_per_s    B*T*steps / seconds of (zero_grad, forward, loss, backward, clip the global
                        gradient norm to 1, AdamW step), as dlm4j's trainer and bench do
  forward_tokens_per_s  B*T*steps / seconds of forward + loss under torch.no_grad()
  gflops                train FLOPs / second, FLOPs per token = 6*N + 6*L*T*C*a, where N counts the
                        parameters of the matrix products (not the embeddings, but the head), the
                        attention term is 3x the 4*T*C forward FLOPs (2*T*C each) of q.k and p.v per
                        token and layer, a = 1 for bidirectional attention and 1/2 for causal
                        (only the unmasked half is useful work).
The median and the best repetition (shortest time) over --reps repetitions are printed, also as
milliseconds per step.

Threads: torch.set_num_threads(N) and OMP_NUM_THREADS/OPENBLAS_NUM_THREADS=N. torch 1.13 on Debian
does its fp32 GEMMs in the system BLAS (torch.__config__.show(): BLAS_INFO=generic, i.e. libblas.so.3);
for a fair baseline that must be OpenBLAS's OpenMP build, so run it as:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
        OMP_NUM_THREADS=1 /usr/bin/python3 bench/bench_torch.py --objective ar --threads 1 --json

(apt-get install libopenblas0-openmp first). The script prints which BLAS library the process
loaded (from /proc/self/maps) so a slow netlib baseline cannot go unnoticed.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--objective", choices=["ar", "diffusion"], default="ar")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=5, help="steps per repetition")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--length", type=int, default=128)
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--json", action="store_true")
    return p.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402  (after the thread variables are set)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

VOCAB = 258
MASK_ID = 257


class Block(nn.Module):
    def __init__(self, c, heads, causal):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.ln1 = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 4 * c)
        self.fc_proj = nn.Linear(4 * c, c)

    def attention(self, x):
        b, t, c = x.shape
        hs = c // self.heads
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.heads, hs).transpose(1, 2)  # (B, H, T, hs)
        k = k.view(b, t, self.heads, hs).transpose(1, 2)
        v = v.view(b, t, self.heads, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (B, H, T, T)
        if self.causal:
            mask = torch.ones(t, t, dtype=torch.bool).triu(1)
            att = att.masked_fill(mask, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)  # (B, T, C)
        return self.proj(y)

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Transformer(nn.Module):
    def __init__(self, c, layers, heads, context, causal):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB, c)
        self.position_embedding = nn.Embedding(context, c)
        self.blocks = nn.ModuleList([Block(c, heads, causal) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)
        self.head = nn.Linear(c, VOCAB, bias=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.token_embedding(idx) + self.position_embedding(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def ar_loss(model, windows):
    logits = model(windows[:, :-1])
    return F.cross_entropy(logits.reshape(-1, VOCAB), windows[:, 1:].reshape(-1))


def diffusion_loss(model, windows, generator):
    x = windows[:, :-1]
    b, t = x.shape
    ratio = torch.rand(b, 1, generator=generator)
    masked = torch.rand(b, t, generator=generator) < ratio
    none = ~masked.any(dim=1)
    masked[none, torch.randint(t, (int(none.sum()),), generator=generator)] = True
    fraction = masked.float().mean(dim=1, keepdim=True)  # (B, 1)
    logits = model(torch.where(masked, torch.full_like(x, MASK_ID), x))
    ce = F.cross_entropy(logits.reshape(-1, VOCAB), x.reshape(-1), reduction="none").view(b, t)
    return (ce * masked / fraction).sum() / (b * t)


def blas_library():
    try:
        with open("/proc/self/maps") as maps:
            names = {line.split()[-1] for line in maps if "blas" in line.lower()}
        return ", ".join(sorted(names)) or "none loaded"
    except OSError:
        return "unknown"


def flops_per_token(model, c, layers, t, causal):
    matrix_params = sum(p.numel() for n, p in model.named_parameters()
                        if p.dim() == 2 and "embedding" not in n)
    attention = 12 * layers * t * c * (0.5 if causal else 1.0)
    return 6 * matrix_params + attention


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(1)
    causal = ARGS.objective == "ar"
    b, t, c = ARGS.batch, ARGS.length, ARGS.d_model
    model = Transformer(c, ARGS.layers, ARGS.heads, t, causal)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=3e-4, betas=(0.9, 0.95))
    generator = torch.Generator().manual_seed(2)
    windows = torch.randint(256, (b, t + 1), generator=generator)

    def loss_of():
        return ar_loss(model, windows) if causal else diffusion_loss(model, windows, generator)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss

    def forward_step():
        with torch.no_grad():
            return loss_of()

    def measure(step):
        rates = []
        for _ in range(ARGS.warmup):
            step()
        for _ in range(ARGS.reps):
            start = time.perf_counter()
            for _ in range(ARGS.steps):
                step()
            rates.append(b * t * ARGS.steps / (time.perf_counter() - start))
        return rates

    train = measure(train_step)
    forward = measure(forward_step)
    flops = flops_per_token(model, c, ARGS.layers, t, causal)
    result = {
        "framework": "pytorch " + torch.__version__,
        "objective": ARGS.objective,
        "threads": ARGS.threads,
        "batch": b, "length": t, "d_model": c, "layers": ARGS.layers,
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_tokens_per_s": statistics.median(train),
        "train_tokens_per_s_median": statistics.median(train),
        "train_tokens_per_s_best": max(train),
        "train_ms_per_step_min": 1000 * b * t / max(train),
        "train_ms_per_step_median": 1000 * b * t / statistics.median(train),
        "forward_tokens_per_s": statistics.median(forward),
        "forward_tokens_per_s_median": statistics.median(forward),
        "forward_tokens_per_s_best": max(forward),
        "forward_ms_per_step_min": 1000 * b * t / max(forward),
        "forward_ms_per_step_median": 1000 * b * t / statistics.median(forward),
        "gflops": flops * statistics.median(train) / 1e9,
        "flops_per_token": flops,
        "blas": blas_library(),
        "loss": float(train_step()),
    }
    if ARGS.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28s} {value}")


if __name__ == "__main__":
    sys.exit(main())
