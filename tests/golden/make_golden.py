#!/usr/bin/python3
"""Writes the golden files dlm4j's Java tests compare against (the llm.c pattern).

Usage (from the repository root, with Debian's python, which has torch and numpy;
NOT the pyenv python that comes first on PATH):

    /usr/bin/python3 tests/golden/make_golden.py

It builds fixed, seeded inputs, computes reference results with PyTorch and writes
them as safetensors files (written by hand here: json + numpy, no safetensors package):

    tests/resources/golden/ops.safetensors     one entry per op below
    tests/resources/golden/block.safetensors   one pre-LN transformer block
    tests/resources/golden/model.safetensors   a whole tiny transformer: AR and masked diffusion
    tests/resources/golden/model_tied.safetensors   the same with the head tied to the token table
    tests/resources/golden/model_rope.safetensors   the same with rotary positions instead of a table

Both carry __metadata__ {"magic": "dlm4j-golden", "version": "1",
"generator": "make_golden.py", "torch": <version>, ...per-op parameters}. Bump VERSION
when a name or a meaning below changes; the Java GoldenFile helper checks it.

Conventions. Every tensor is F32, row-major. Results below ROUND_OFF (1e-10) in magnitude are
stored as exact 0 (float64 round-off of analytically zero gradients; see Recorder.put). Inputs are drawn in float32 from a seeded
generator; the reference is computed in float64 from those float32 values and stored
rounded to float32, so the golden values carry no float32 round-off of their own.
For an op "name" with inputs a, b: name.a, name.b are the inputs, name.out the output,
name.dout a fixed random upstream gradient (same shape as out) and name.da, name.db the
gradients of sum(out * dout) with respect to the inputs. Integer inputs (indices,
targets) are stored as F32 holding exact small integers.

ops.safetensors names (shapes in brackets):
  linear.x [2,3,4] linear.weight [5,4] linear.bias [5]    out = x W^T + b [2,3,5]
      linear.out linear.dout linear.dx linear.dweight linear.dbias
  add.a [2,3,4] add.b [4]           out = a + b (b broadcast over leading dims)
      add.out add.dout add.da add.db
  mul.a [2,3,4] mul.b [3,4]         out = a * b            mul.out mul.dout mul.da mul.db
  div.a [2,3,4] div.b [4]           out = a / b (|b| in [0.5, 2])
      div.out div.dout div.da div.db
  exp.x [2,3,4]                     exp.out exp.dout exp.dx
  log.x [2,3,4] (values in [0.5, 2]) log.out log.dout log.dx
  tanh.x [2,3,4]                    tanh.out tanh.dout tanh.dx
  sum.x [2,3,4]                     out = x.sum(axis=1) [2,4]   sum.out sum.dout sum.dx
  mean.x [2,3,4]                    out = x.mean(axis=-1) [2,3] mean.out mean.dout mean.dx
  softmax.x [2,3,5]                 over the last axis   softmax.out softmax.dout softmax.dx
  log_softmax.x [2,3,5]             over the last axis   log_softmax.out log_softmax.dout log_softmax.dx
  gelu.x [2,3,4]                    tanh approximation   gelu.out gelu.dout gelu.dx
  layer_norm.x [2,3,8] layer_norm.weight [8] layer_norm.bias [8]   eps 1e-5, biased variance
      layer_norm.out layer_norm.dout layer_norm.dx layer_norm.dweight layer_norm.dbias
  embedding.weight [7,4] embedding.idx [2,3] (indices, one repeated)   out = weight[idx] [2,3,4]
      embedding.out embedding.dout embedding.dweight
  attention_causal.qkv [2,4,24]     B=2, T=4, C=8, H=2 heads, hs=4; q,k,v = qkv split in that
      order along the last axis; head h uses channels [h*hs, (h+1)*hs); scores = q k^T / sqrt(hs),
      key j > query i masked; softmax over keys; out = heads concatenated [2,4,8] (no projection)
      attention_causal.out attention_causal.dout attention_causal.dqkv
  attention_bidirectional.qkv ... the same without the mask:
      attention_bidirectional.out attention_bidirectional.dout attention_bidirectional.dqkv
  cross_entropy.logits [6,5] cross_entropy.targets [6] cross_entropy.weights [6] (two are zero)
      out = sum_i w_i * CE_i / N with N = 6 rows (a scalar, shape [])
      cross_entropy.out [] cross_entropy.dout [] cross_entropy.dlogits [6,5]
  matmul.a [2,3,4] matmul.b [2,4,5] out = a @ b [2,3,5]   matmul.out matmul.dout matmul.da matmul.db
  transpose_matmul.a [2,3,4] transpose_matmul.b [2,5,4]   out = a @ b.transpose(1, 2) [2,3,5]
      transpose_matmul.out transpose_matmul.dout transpose_matmul.da transpose_matmul.db
  rope.qkv [2,5,24]                 B=2, T=5, C=8, H=2 heads, hs=4; rotary position embedding of q
      and k (GPT-NeoX / LLaMA rotate_half form), v unchanged: for each head vector x, half = hs/2,
      inv_freq_i = 10000^(-2i/hs), angle = t * inv_freq_i (positions t = 0..T-1),
      out[i] = x[i] cos - x[i+half] sin, out[i+half] = x[i] sin + x[i+half] cos   out [2,5,24]
      rope.out rope.dout rope.dqkv   (drawn after adamw, so adding it left every other entry as it was)
  adamw.param0 [10]  adamw.grads [3,10] (the gradient used at steps 1, 2, 3)
      adamw.params_after [3,10] (row s: the parameters after step s+1, torch.optim.AdamW)
      adamw.m_after [10] adamw.v_after [10] (first and second moments after step 3)
      hyper-parameters in metadata: adamw.lr, adamw.beta1, adamw.beta2, adamw.eps,
      adamw.weight_decay
  Metadata also records sum.axis, mean.axis, layer_norm.eps, attention.heads, rope.heads, rope.base,
  rope.position_offset.

block.safetensors: one pre-LN block (C=32, H=4, T=8, B=2, mlp ratio 4, no
dropout): x = x + attn(ln1(x)); x = x + mlp(ln2(x)), mlp = fc -> gelu(tanh) -> proj.
The two variants share the weights, input and upstream gradient (stored once, which keeps
the file small), so they differ only by the causal mask:
  blocks.0.ln1.weight [32] blocks.0.ln1.bias [32]
  blocks.0.attn.qkv.weight [96,32] blocks.0.attn.qkv.bias [96]
  blocks.0.attn.proj.weight [32,32] blocks.0.attn.proj.bias [32]
  blocks.0.ln2.weight [32] blocks.0.ln2.bias [32]
  blocks.0.mlp.fc.weight [128,32] blocks.0.mlp.fc.bias [128]
  blocks.0.mlp.proj.weight [32,128] blocks.0.mlp.proj.bias [32]
  x [2,8,32] dout [2,8,32]
  for V in (causal, bidirectional):
    V.out [2,8,32] V.dx [2,8,32] and V.grad.<every weight name above>
  (e.g. causal.grad.blocks.0.attn.qkv.weight)
Weights are drawn larger than GPT-2's init (std 0.2, LayerNorm weights 1 + 0.1 N(0,1),
non-zero biases) so that every path contributes measurably to the gradients.

model.safetensors: the whole transformer of org.dlm4j.model.Transformer, no dropout. Config
(also in metadata as model.<key>, JSON values): vocab_size 13 with mask_id 12 (the last id; data
tokens are drawn from 0..11), context_length T 8, d_model C 16, num_layers 2, num_heads 2,
mlp_ratio 4, bias true, tied_head false (a separate head.weight), batch_size B 2, LayerNorm eps
1e-5, GELU tanh form. x = token_embedding[idx] + position_embedding[t]; blocks; ln_f;
logits = head(x) (no head bias). Weights are drawn like block.safetensors' (see model_weights).
  weights under their checkpoint names: token_embedding.weight [13,16],
      position_embedding.weight [8,16], blocks.{0,1}.<the 12 block names above>,
      ln_f.weight [16], ln_f.bias [16], head.weight [13,16]
  tokens [2,9]        B windows of T+1 token ids (F32 holding exact integers)
  AR (causal attention), inputs tokens[:, :8], targets tokens[:, 1:]:
      ar.logits [2,8,13]  ar.loss [] = mean over the B*T positions of CE(logits, target)
      ar.grad.<weight name> the gradient of ar.loss for every weight
  masked diffusion (bidirectional attention, same weights), x0 = tokens[:, :8]:
      dlm.mask [2,8]   an explicit 0/1 mask (F32): row 0 masks 3 of 8 positions, row 1 masks 6
      dlm.input [2,8]  x0 with masked positions replaced by mask_id 12
      dlm.logits [2,8,13]
      dlm.loss []      the paper's loss: sum over masked (b, t) of CE(logits[b,t], x0[b,t]) /
                       (fraction of row b masked), divided by B*T
      dlm.grad.<weight name>
  ar.trajectory [10], dlm.trajectory [10]: torch.optim.AdamW from these weights, lr 1e-2,
      betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on rank >= 2 parameters only (0 on biases and
      LayerNorm weights), no clipping, no schedule, the same batch (and for diffusion the same mask)
      every step; entry s is the loss before update s+1 (entry 0 = ar.loss / dlm.loss).
  Metadata adamw.* holds the hyper-parameters, trajectory.steps the count, and
  <ar|dlm>.trajectory.float32_max_relative_difference_below the decade (1e-6 here) that bounds how
  far the same trajectory run in float32 by PyTorch lies from the float64 one (measured a few
  1e-7): the scale of a fair tolerance.

model_tied.safetensors: the same layout for the same config with tied_head true (metadata
model.tied_head "true"): no head.weight; the logits are x W_te^T with token_embedding.weight, whose
gradient (ar.grad.token_embedding.weight, dlm.grad.token_embedding.weight) sums both uses. Its
weights, tokens and mask are drawn from their own seed, so its values differ from model's.

model_rope.safetensors: the same layout for the same config with positions "rope" (metadata
model.positions "\"rope\""): no position_embedding.weight; in every block q and k of qkv are rotated
as the ops' rope entry (positions 0..T-1) before attention, for both objectives. Its weights,
tokens and mask are drawn from their own seed. (model and model_tied have no model.positions key:
a config without it means learned positions.)

  Only losses are stored for the trajectory, not final weights: the key part of attn.qkv.bias has
  an analytically zero gradient (softmax is invariant to a constant added to all scores), so Adam
  turns float round-off there into O(lr) steps that differ between implementations while leaving
  every loss unchanged.
"""
import json
import math
import os
import sys

USAGE = ("usage: /usr/bin/python3 tests/golden/make_golden.py   (Debian's python, which has torch "
         "and numpy; not the pyenv python first on PATH)")
try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as missing:
    sys.exit(f"make_golden.py: {missing}\n{USAGE}")

MAGIC = "dlm4j-golden"
VERSION = "1"
OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden"))
SEED = 20251103
ROUND_OFF = 1e-10  # stored results smaller than this in magnitude are float64 round-off of a true 0


def write_safetensors(path, tensors, metadata):
    """Writes {name: float32 array} per the safetensors spec, names sorted, header space-padded."""
    names = sorted(tensors)
    header = {"__metadata__": dict(sorted(metadata.items()))}
    offset = 0
    blobs = []
    for name in names:
        array = np.array(tensors[name], dtype="<f4", order="C")  # ascontiguousarray would make 0-d 1-d
        blob = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)
    print(f"wrote {path}: {len(names)} tensors, {8 + len(text) + offset} bytes")


class Recorder:
    """Draws float32 inputs from one seeded generator and collects named float32 results."""

    def __init__(self, seed):
        self.gen = torch.Generator().manual_seed(seed)
        self.tensors = {}

    def randn(self, *shape, std=1.0):
        return (torch.randn(tuple(shape), generator=self.gen) * std).float().double()

    def uniform(self, low, high, *shape):
        return (low + (high - low) * torch.rand(tuple(shape), generator=self.gen)).float().double()

    def put(self, name, value):
        if name in self.tensors:
            raise ValueError(f"duplicate golden name {name}")
        value = value.detach().double()
        # Analytically zero entries (the key part of a qkv bias gradient: softmax ignores a constant
        # added to all scores) come out as float64 round-off whose last bits vary between runs with
        # the memory alignment of PyTorch's vectorised sums; storing them as 0 keeps files byte-stable.
        value = torch.where((value.abs() < ROUND_OFF) & (value != 0), torch.zeros_like(value), value)
        self.tensors[name] = value.numpy().astype(np.float32)

    def op(self, prefix, fn, constants=(), **inputs):
        """Records inputs, out = fn(**inputs), a random dout, and d<input> for every input
        not named in constants (indices, targets and weights get no gradient)."""
        leaves = {}
        for key, value in inputs.items():
            self.put(f"{prefix}.{key}", value)
            leaves[key] = value if key in constants else value.clone().requires_grad_(True)
        out = fn(**leaves)
        dout = self.randn(*out.shape)
        out.backward(dout)
        self.put(f"{prefix}.out", out)
        self.put(f"{prefix}.dout", dout)
        for key, leaf in leaves.items():
            if isinstance(leaf, torch.Tensor) and leaf.requires_grad:
                self.put(f"{prefix}.d{key}", leaf.grad)


def attention(qkv, heads, causal):
    """Scaled dot-product attention from a (B, T, 3C) qkv, heads concatenated: (B, T, C)."""
    B, T, C3 = qkv.shape
    C = C3 // 3
    hs = C // heads
    q, k, v = qkv.split(C, dim=2)                                   # each (B, T, C)
    q = q.view(B, T, heads, hs).transpose(1, 2)                     # (B, H, T, hs)
    k = k.view(B, T, heads, hs).transpose(1, 2)
    v = v.view(B, T, heads, hs).transpose(1, 2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(hs)                # (B, H, T, T)
    if causal:
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)           # j > i
        scores = scores.masked_fill(mask, float("-inf"))
    y = scores.softmax(dim=-1) @ v                                  # (B, H, T, hs)
    return y.transpose(1, 2).reshape(B, T, C)                       # (B, T, C)


ROPE_BASE = 10000.0


def rope(qkv, heads, offset=0):
    """Rotary position embedding of q and k in a (B, T, 3C) qkv, rotate_half form; v unchanged."""
    B, T, C3 = qkv.shape
    C = C3 // 3
    hs = C // heads
    half = hs // 2
    inv_freq = ROPE_BASE ** (-2.0 * torch.arange(half, dtype=torch.float64) / hs)        # (half,)
    angle = (offset + torch.arange(T, dtype=torch.float64))[:, None] * inv_freq[None, :]  # (T, half)
    cos = torch.cat([angle.cos(), angle.cos()], dim=-1).to(qkv.dtype)                     # (T, hs)
    sin = torch.cat([angle.sin(), angle.sin()], dim=-1).to(qkv.dtype)

    def rotate(x):                                                   # (B, T, C)
        x = x.view(B, T, heads, hs)
        rotated_half = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return (x * cos[:, None, :] + rotated_half * sin[:, None, :]).reshape(B, T, C)
    q, k, v = qkv.split(C, dim=2)
    return torch.cat([rotate(q), rotate(k), v], dim=2)               # (B, T, 3C)


def make_ops():
    r = Recorder(SEED)
    meta = {}
    r.op("linear", lambda x, weight, bias: F.linear(x, weight, bias),
         x=r.randn(2, 3, 4), weight=r.randn(5, 4), bias=r.randn(5))
    r.op("add", lambda a, b: a + b, a=r.randn(2, 3, 4), b=r.randn(4))
    r.op("mul", lambda a, b: a * b, a=r.randn(2, 3, 4), b=r.randn(3, 4))
    signs = torch.where(torch.rand(4, generator=r.gen) < 0.5, -1.0, 1.0).double()
    r.op("div", lambda a, b: a / b, a=r.randn(2, 3, 4), b=signs * r.uniform(0.5, 2.0, 4))
    r.op("exp", lambda x: x.exp(), x=r.randn(2, 3, 4))
    r.op("log", lambda x: x.log(), x=r.uniform(0.5, 2.0, 2, 3, 4))
    r.op("tanh", lambda x: x.tanh(), x=r.randn(2, 3, 4))
    r.op("sum", lambda x: x.sum(dim=1), x=r.randn(2, 3, 4))
    meta["sum.axis"] = "1"
    r.op("mean", lambda x: x.mean(dim=-1), x=r.randn(2, 3, 4))
    meta["mean.axis"] = "-1"
    r.op("softmax", lambda x: x.softmax(dim=-1), x=r.randn(2, 3, 5, std=2.0))
    r.op("log_softmax", lambda x: x.log_softmax(dim=-1), x=r.randn(2, 3, 5, std=2.0))
    r.op("gelu", lambda x: F.gelu(x, approximate="tanh"), x=r.randn(2, 3, 4, std=2.0))
    r.op("layer_norm", lambda x, weight, bias: F.layer_norm(x, (8,), weight, bias, eps=1e-5),
         x=r.randn(2, 3, 8) + 0.5, weight=1.0 + 0.1 * r.randn(8), bias=0.1 * r.randn(8))
    meta["layer_norm.eps"] = "1e-5"
    idx = torch.tensor([[0, 3, 6], [3, 1, 5]], dtype=torch.float64)  # 3 repeats: grads add up
    r.op("embedding", lambda weight, idx: F.embedding(idx.long(), weight), weight=r.randn(7, 4), idx=idx,
         constants=("idx",))
    heads = 2
    meta["attention.heads"] = str(heads)
    r.op("attention_causal", lambda qkv: attention(qkv, heads, True), qkv=r.randn(2, 4, 24))
    r.op("attention_bidirectional", lambda qkv: attention(qkv, heads, False), qkv=r.randn(2, 4, 24))

    rows, vocab = 6, 5
    targets = torch.tensor([1, 0, 4, 4, 2, 3], dtype=torch.float64)
    weights = torch.tensor([1.0, 0.0, 2.0, 0.5, 0.0, 1.5], dtype=torch.float64)

    def weighted_ce(logits, targets, weights):
        ce = F.cross_entropy(logits, targets.long(), reduction="none")  # (N,)
        return (weights * ce).sum() / rows
    r.op("cross_entropy", weighted_ce, logits=r.randn(rows, vocab, std=2.0), targets=targets, weights=weights,
         constants=("targets", "weights"))

    r.op("matmul", lambda a, b: a @ b, a=r.randn(2, 3, 4), b=r.randn(2, 4, 5))
    r.op("transpose_matmul", lambda a, b: a @ b.transpose(1, 2), a=r.randn(2, 3, 4), b=r.randn(2, 5, 4))

    # A short torch.optim.AdamW trajectory (float64 parameters, stored as float32).
    lr, beta1, beta2, eps, wd = 1e-2, 0.9, 0.95, 1e-8, 0.1
    param = torch.nn.Parameter(r.randn(10))
    grads = r.randn(3, 10)
    grads[0, 0] = 0.0  # a zero gradient still moves the parameter through weight decay
    r.put("adamw.param0", param)
    r.put("adamw.grads", grads)
    optimizer = torch.optim.AdamW([param], lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd)
    after = []
    for step in range(3):
        param.grad = grads[step].clone()
        optimizer.step()
        after.append(param.detach().clone())
    r.put("adamw.params_after", torch.stack(after))
    state = optimizer.state[param]
    r.put("adamw.m_after", state["exp_avg"])
    r.put("adamw.v_after", state["exp_avg_sq"])
    meta.update({"adamw.lr": repr(lr), "adamw.beta1": repr(beta1), "adamw.beta2": repr(beta2),
                 "adamw.eps": repr(eps), "adamw.weight_decay": repr(wd)})

    r.op("rope", lambda qkv: rope(qkv, heads), qkv=r.randn(2, 5, 24))
    meta.update({"rope.heads": str(heads), "rope.base": repr(ROPE_BASE), "rope.position_offset": "0"})
    return r.tensors, meta


def make_block():
    r = Recorder(SEED + 1)
    B, T, C, H, ratio = 2, 8, 32, 4, 4
    p = {
        "blocks.0.ln1.weight": 1.0 + 0.1 * r.randn(C), "blocks.0.ln1.bias": 0.1 * r.randn(C),
        "blocks.0.attn.qkv.weight": r.randn(3 * C, C, std=0.2), "blocks.0.attn.qkv.bias": 0.1 * r.randn(3 * C),
        "blocks.0.attn.proj.weight": r.randn(C, C, std=0.2), "blocks.0.attn.proj.bias": 0.1 * r.randn(C),
        "blocks.0.ln2.weight": 1.0 + 0.1 * r.randn(C), "blocks.0.ln2.bias": 0.1 * r.randn(C),
        "blocks.0.mlp.fc.weight": r.randn(ratio * C, C, std=0.2), "blocks.0.mlp.fc.bias": 0.1 * r.randn(ratio * C),
        "blocks.0.mlp.proj.weight": r.randn(C, ratio * C, std=0.2), "blocks.0.mlp.proj.bias": 0.1 * r.randn(C),
    }
    x = r.randn(B, T, C)
    dout = r.randn(B, T, C)
    for name, value in p.items():
        r.put(name, value)
    r.put("x", x)
    r.put("dout", dout)
    for variant, causal in (("causal", True), ("bidirectional", False)):
        w = {name: value.clone().requires_grad_(True) for name, value in p.items()}
        xs = x.clone().requires_grad_(True)

        def g(short):
            return w["blocks.0." + short]
        h = F.layer_norm(xs, (C,), g("ln1.weight"), g("ln1.bias"), eps=1e-5)                # (B, T, C)
        qkv = F.linear(h, g("attn.qkv.weight"), g("attn.qkv.bias"))                         # (B, T, 3C)
        y = xs + F.linear(attention(qkv, H, causal), g("attn.proj.weight"), g("attn.proj.bias"))
        h = F.layer_norm(y, (C,), g("ln2.weight"), g("ln2.bias"), eps=1e-5)
        h = F.gelu(F.linear(h, g("mlp.fc.weight"), g("mlp.fc.bias")), approximate="tanh")   # (B, T, 4C)
        out = y + F.linear(h, g("mlp.proj.weight"), g("mlp.proj.bias"))                     # (B, T, C)
        out.backward(dout)
        r.put(f"{variant}.out", out)
        r.put(f"{variant}.dx", xs.grad)
        for name, leaf in w.items():
            r.put(f"{variant}.grad.{name}", leaf.grad)
    meta = {"block.C": str(C), "block.H": str(H), "block.T": str(T), "block.B": str(B),
            "block.mlp_ratio": str(ratio), "block.layer_norm.eps": "1e-5"}
    return r.tensors, meta


# ---- model.safetensors: a whole tiny transformer, both objectives, a 10-step AdamW trajectory ----

MODEL = {"vocab_size": 13, "mask_id": 12, "context_length": 8, "d_model": 16, "num_layers": 2, "num_heads": 2,
         "mlp_ratio": 4, "bias": True, "tied_head": False, "dropout": 0.0, "batch_size": 2}
MODEL_TIED = {**MODEL, "tied_head": True}
MODEL_ROPE = {**MODEL, "positions": "rope"}
ADAMW = {"lr": 1e-2, "beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1}
TRAJECTORY_STEPS = 10


def model_weights(r, config):
    """The tiny model's weights by checkpoint name (as org.dlm4j.model.Transformer names them), in nanoGPT order.
    Drawn larger than GPT-2's init (embeddings 0.3, fan-in-16 linears 0.2, fan-in-64 linears 0.1,
    LayerNorm weights 1 + 0.1 N(0,1), non-zero biases) so logits are far from uniform and every
    weight's gradient is measurably non-zero (except where the math makes it zero, see the header)."""
    V, T, C, L, R = (config[k] for k in ("vocab_size", "context_length", "d_model", "num_layers", "mlp_ratio"))
    p = {"token_embedding.weight": r.randn(V, C, std=0.3)}
    if config.get("positions", "learned") == "learned":
        p["position_embedding.weight"] = r.randn(T, C, std=0.3)
    for i in range(L):
        b = f"blocks.{i}."
        p.update({
            b + "ln1.weight": 1.0 + 0.1 * r.randn(C), b + "ln1.bias": 0.1 * r.randn(C),
            b + "attn.qkv.weight": r.randn(3 * C, C, std=0.2), b + "attn.qkv.bias": 0.1 * r.randn(3 * C),
            b + "attn.proj.weight": r.randn(C, C, std=0.2), b + "attn.proj.bias": 0.1 * r.randn(C),
            b + "ln2.weight": 1.0 + 0.1 * r.randn(C), b + "ln2.bias": 0.1 * r.randn(C),
            b + "mlp.fc.weight": r.randn(R * C, C, std=0.2), b + "mlp.fc.bias": 0.1 * r.randn(R * C),
            b + "mlp.proj.weight": r.randn(C, R * C, std=0.1), b + "mlp.proj.bias": 0.1 * r.randn(C),
        })
    p["ln_f.weight"] = 1.0 + 0.1 * r.randn(C)
    p["ln_f.bias"] = 0.1 * r.randn(C)
    if not config["tied_head"]:
        p["head.weight"] = r.randn(V, C, std=0.3)
    return p


def transformer(w, idx, causal):
    """logits (B, T, V) of the tiny model with weights w for token ids idx (B, T); no dropout.
    Learned positions when w has a position_embedding.weight table, rotary positions otherwise."""
    B, T = idx.shape
    C, H = MODEL["d_model"], MODEL["num_heads"]
    rotary = "position_embedding.weight" not in w
    x = F.embedding(idx, w["token_embedding.weight"])                                          # (B, T, C)
    if not rotary:
        x = x + w["position_embedding.weight"][:T]
    for i in range(MODEL["num_layers"]):
        def g(short):
            return w[f"blocks.{i}.{short}"]
        h = F.layer_norm(x, (C,), g("ln1.weight"), g("ln1.bias"), eps=1e-5)
        qkv = F.linear(h, g("attn.qkv.weight"), g("attn.qkv.bias"))                            # (B, T, 3C)
        if rotary:
            qkv = rope(qkv, H)                                                                  # (B, T, 3C)
        x = x + F.linear(attention(qkv, H, causal), g("attn.proj.weight"), g("attn.proj.bias"))
        h = F.layer_norm(x, (C,), g("ln2.weight"), g("ln2.bias"), eps=1e-5)
        h = F.gelu(F.linear(h, g("mlp.fc.weight"), g("mlp.fc.bias")), approximate="tanh")      # (B, T, 4C)
        x = x + F.linear(h, g("mlp.proj.weight"), g("mlp.proj.bias"))                          # (B, T, C)
    x = F.layer_norm(x, (C,), w["ln_f.weight"], w["ln_f.bias"], eps=1e-5)
    head = w.get("head.weight", w["token_embedding.weight"])                                   # tied: (V, C) table
    return F.linear(x, head)                                                                    # (B, T, V)


def ar_loss(w, tokens):
    """Mean next-token cross-entropy: inputs tokens[:, :T], targets tokens[:, 1:]."""
    logits = transformer(w, tokens[:, :-1], causal=True)                                       # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten()), logits


def dlm_loss(w, tokens, mask):
    """The paper's masked-diffusion loss with an explicit 0/1 mask (B, T) over x0 = tokens[:, :T]:
    sum over masked positions of CE(logits, x0) / (fraction of that row masked), divided by B*T."""
    x0 = tokens[:, :-1]                                                                          # (B, T)
    B, T = x0.shape
    mask = mask.to(w["token_embedding.weight"].dtype)
    noisy = torch.where(mask.bool(), torch.full_like(x0, MODEL["mask_id"]), x0)                 # (B, T)
    logits = transformer(w, noisy, causal=False)                                                 # (B, T, V)
    ce = F.cross_entropy(logits.flatten(0, 1), x0.flatten(), reduction="none").view(B, T)       # (B, T)
    fraction = mask.sum(dim=1, keepdim=True) / T                                                 # (B, 1)
    return (ce * mask / fraction).sum() / (B * T), logits, noisy


def adamw_trajectory(p, loss_fn, dtype):
    """TRAJECTORY_STEPS losses of torch.optim.AdamW on loss_fn(weights), the loss before each step."""
    w = {name: torch.nn.Parameter(value.clone().to(dtype)) for name, value in p.items()}
    decay = [t for t in w.values() if t.dim() >= 2]
    no_decay = [t for t in w.values() if t.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": ADAMW["weight_decay"]},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=ADAMW["lr"], betas=(ADAMW["beta1"], ADAMW["beta2"]), eps=ADAMW["eps"])
    losses = []
    for _ in range(TRAJECTORY_STEPS):
        optimizer.zero_grad()
        loss = loss_fn(w)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return torch.tensor(losses, dtype=torch.float64)


def make_model(config, seed):
    r = Recorder(seed)
    T, B, mask_id = config["context_length"], config["batch_size"], config["mask_id"]
    p = model_weights(r, config)
    tokens = torch.randint(0, mask_id, (B, T + 1), generator=r.gen)                            # (B, T+1), no mask id
    # Row 0 masks 3 of 8 positions, row 1 masks 6 of 8 (different fractions, so the 1/fraction
    # weighting matters); positions drawn from the seeded generator.
    mask = torch.zeros(B, T)
    for row, count in enumerate((3, 6)):
        mask[row, torch.randperm(T, generator=r.gen)[:count]] = 1.0
    for name, value in p.items():
        r.put(name, value)
    r.put("tokens", tokens)

    w = {name: value.clone().requires_grad_(True) for name, value in p.items()}
    loss, logits = ar_loss(w, tokens)
    loss.backward()
    r.put("ar.logits", logits)
    r.put("ar.loss", loss)
    for name, leaf in w.items():
        r.put(f"ar.grad.{name}", leaf.grad)

    w = {name: value.clone().requires_grad_(True) for name, value in p.items()}
    loss, logits, noisy = dlm_loss(w, tokens, mask)
    loss.backward()
    r.put("dlm.mask", mask)
    r.put("dlm.input", noisy)
    r.put("dlm.logits", logits)
    r.put("dlm.loss", loss)
    for name, leaf in w.items():
        r.put(f"dlm.grad.{name}", leaf.grad)

    meta = {f"model.{key}": json.dumps(value) for key, value in config.items()}
    meta.update({f"adamw.{key}": repr(value) for key, value in ADAMW.items()})
    meta["adamw.weight_decay_on"] = "rank >= 2 parameters only"
    meta["trajectory.steps"] = str(TRAJECTORY_STEPS)
    meta["trajectory.loss"] = "the loss before each step: entry s is the loss after s AdamW updates"
    meta["model.layer_norm.eps"] = "1e-5"
    meta["names"] = ("weights by checkpoint name; tokens [B,T+1]; ar.logits ar.loss ar.grad.<name>; "
                     "dlm.mask dlm.input dlm.logits dlm.loss dlm.grad.<name>; ar.trajectory dlm.trajectory")
    for prefix, loss_fn in (("ar", lambda w: ar_loss(w, tokens)[0]),
                            ("dlm", lambda w: dlm_loss(w, tokens, mask)[0])):
        losses = adamw_trajectory(p, loss_fn, torch.float64)
        r.put(f"{prefix}.trajectory", losses)
        # The same trajectory in float32 measures how far float32 arithmetic alone moves these losses.
        losses32 = adamw_trajectory(p, loss_fn, torch.float32).double()
        spread = ((losses32 - losses).abs() / losses.abs()).max().item()
        # Only its decade is stored: the float32 run's last bits vary between runs (see Recorder.put).
        meta[f"{prefix}.trajectory.float32_max_relative_difference_below"] = f"1e{math.ceil(math.log10(spread))}"
    return r.tensors, meta


def main():
    if len(sys.argv) != 1:
        sys.exit(USAGE)
    torch.set_default_dtype(torch.float64)
    os.makedirs(OUT_DIR, exist_ok=True)
    common = {"magic": MAGIC, "version": VERSION, "generator": "make_golden.py", "torch": torch.__version__}
    for name, make in (("ops", make_ops), ("block", make_block), ("model", lambda: make_model(MODEL, SEED + 2)),
                       ("model_tied", lambda: make_model(MODEL_TIED, SEED + 3)),
                       ("model_rope", lambda: make_model(MODEL_ROPE, SEED + 4))):
        tensors, meta = make()
        write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors, {**common, **meta})


if __name__ == "__main__":
    main()
