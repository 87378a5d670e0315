#!/usr/bin/env python3
"""Markdown tables from the JSON lines of bench/compare.sh and bench/scaling.sh.

    python3 bench/table.py target/bench/compare.jsonl [target/bench/scaling.jsonl ...]

A file whose runs all have the reference shape (T 128, C 256) is a comparison from compare.sh;
any other file is a scaling run and goes to the second table.

Both scripts run dlm4j and then PyTorch for each configuration, so the k-th dlm4j run of a
configuration and the k-th PyTorch run form a pair measured under the same machine load. Each run
reports the median and the best of its repetitions (tokens/s). A table row is one configuration:
its tokens/s are the median over the runs of each run's median (and, in parentheses, the best
repetition of any run); its ratio dlm4j / PyTorch is computed per pair and shown as the median over
pairs, with the lowest pair in parentheses.
"""
import json
import statistics
import sys
from collections import defaultdict

REFERENCE_SHAPE = (128, 256)


def load(path):
    """Runs of one file by configuration (objective, threads, T, C), each side in file order."""
    runs = defaultdict(lambda: {"java": [], "torch": []})
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            side = "java" if d["framework"] == "dlm4j" else "torch"
            runs[(d["objective"], d["threads"], d.get("length", 128), d.get("d_model", 256))][side].append(d)
    return runs


def tokens(runs, field):
    median = statistics.median(r[f"{field}_median"] for r in runs)
    best = max(r[f"{field}_best"] for r in runs)
    return f"{median:.0f} ({best:.0f})"


def ratio(java, torch, field):
    pairs = [j[f"{field}_median"] / t[f"{field}_median"] for j, t in zip(java, torch)]
    return f"**{statistics.median(pairs):.2f}x** ({min(pairs):.2f}x)" if pairs else "-"


def loads(java, torch):
    values = [r.get("load1", float("nan")) for r in java + torch]
    return f"{min(values):.1f}-{max(values):.1f}"


def main(paths):
    # A file with only the reference shape is a comparison (compare.sh); any other is a scaling run.
    reference, scaling = {}, {}
    for path in paths:
        runs = load(path)
        target = reference if all(k[2:] == REFERENCE_SHAPE for k in runs) else scaling
        for key, sides in runs.items():
            merged = target.setdefault(key, {"java": [], "torch": []})
            merged["java"] += sides["java"]
            merged["torch"] += sides["torch"]
    if reference:
        print("| objective | threads | dlm4j train tok/s | PyTorch train tok/s | train ratio | dlm4j forward tok/s "
              "| PyTorch forward tok/s | forward ratio | dlm4j GFLOP/s | dlm4j peak / live heap MB | load | pairs |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for (objective, threads, _, _), v in sorted(reference.items()):
            java, torch = v["java"], v["torch"]
            if not (java and torch):
                continue
            gflops = statistics.median(r["gflops"] for r in java)
            peak = max(r.get("peak_heap_mb", 0) for r in java)
            live = max(r.get("live_heap_at_peak_mb", 0) for r in java)
            print(f"| {objective} | {threads} | {tokens(java, 'train_tokens_per_s')} "
                  f"| {tokens(torch, 'train_tokens_per_s')} | {ratio(java, torch, 'train_tokens_per_s')} "
                  f"| {tokens(java, 'forward_tokens_per_s')} | {tokens(torch, 'forward_tokens_per_s')} "
                  f"| {ratio(java, torch, 'forward_tokens_per_s')} | {gflops:.0f} | {peak:.0f} / {live:.0f} "
                  f"| {loads(java, torch)} | {min(len(java), len(torch))} |")
    if scaling:
        if reference:
            print()
        print("| objective | threads | T | C | parameters | dlm4j train tok/s | PyTorch train tok/s | train ratio "
              "| dlm4j forward tok/s | PyTorch forward tok/s | forward ratio | dlm4j GFLOP/s | load |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for (objective, threads, length, d_model), v in sorted(scaling.items(), key=lambda kv: (kv[0][1], kv[0][3], kv[0][2])):
            java, torch = v["java"], v["torch"]
            first = (java or torch)[0]
            side = lambda rs, f: tokens(rs, f) if rs else "-"
            gflops = f"{statistics.median(r['gflops'] for r in java):.0f}" if java else "-"
            print(f"| {objective} | {threads} | {length} | {d_model} | {first['parameters']:,} "
                  f"| {side(java, 'train_tokens_per_s')} | {side(torch, 'train_tokens_per_s')} "
                  f"| {ratio(java, torch, 'train_tokens_per_s')} | {side(java, 'forward_tokens_per_s')} "
                  f"| {side(torch, 'forward_tokens_per_s')} | {ratio(java, torch, 'forward_tokens_per_s')} "
                  f"| {gflops} | {loads(java, torch)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
