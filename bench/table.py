#!/usr/bin/env python3
"""Markdown tables from the JSON lines of bench/compare.sh (and bench/scaling.sh).

    python3 bench/table.py target/bench/compare.jsonl
Rows are (objective, threads); for each side the median and best repetition of training and
forward-only tokens/s, and the ratios dlm4j / PyTorch of the medians. When a configuration ran
several times (rounds), the run with the higher median is kept for each side and the number of
runs is shown.
"""
import json
import sys
from collections import defaultdict


def main(path):
    runs = defaultdict(list)
    scaling = []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        side = "java" if d["framework"] == "dlm4j" else "torch"
        if "scaling" in path or d.get("length", 128) != 128 or d.get("d_model", 256) != 256:
            scaling.append(d)
            continue
        runs[(d["objective"], d["threads"], side)].append(d)
    if runs:
        print("| objective | threads | dlm4j train tok/s median (best) | PyTorch train tok/s median (best) | train ratio "
              "| dlm4j forward tok/s median (best) | PyTorch forward tok/s median (best) | forward ratio | dlm4j GFLOP/s "
              "| dlm4j peak / live heap MB | load (1 min) java / torch | runs |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for objective in ("ar", "diffusion"):
            for threads in (1, 2):
                j = runs.get((objective, threads, "java"))
                t = runs.get((objective, threads, "torch"))
                if not j or not t:
                    continue
                jb = max(j, key=lambda d: d["train_tokens_per_s_median"])
                tb = max(t, key=lambda d: d["train_tokens_per_s_median"])
                jf = max(j, key=lambda d: d["forward_tokens_per_s_median"])
                tf = max(t, key=lambda d: d["forward_tokens_per_s_median"])
                print(f"| {objective} | {threads} "
                      f"| {jb['train_tokens_per_s_median']:.0f} ({jb['train_tokens_per_s_best']:.0f}) "
                      f"| {tb['train_tokens_per_s_median']:.0f} ({tb['train_tokens_per_s_best']:.0f}) "
                      f"| **{jb['train_tokens_per_s_median'] / tb['train_tokens_per_s_median']:.2f}x** "
                      f"| {jf['forward_tokens_per_s_median']:.0f} ({jf['forward_tokens_per_s_best']:.0f}) "
                      f"| {tf['forward_tokens_per_s_median']:.0f} ({tf['forward_tokens_per_s_best']:.0f}) "
                      f"| **{jf['forward_tokens_per_s_median'] / tf['forward_tokens_per_s_median']:.2f}x** "
                      f"| {jb['gflops']:.0f} | {jb.get('peak_heap_mb', 0):.0f} / {jb.get('live_heap_at_peak_mb', 0):.0f} "
                      f"| {jb.get('load1', float('nan')):.2f} / {tb.get('load1', float('nan')):.2f} | {len(j)}+{len(t)} |")
    if scaling:
        print()
        print("| objective | threads | T | C | params | train tok/s median (best) | forward tok/s median (best) | GFLOP/s | load (1 min) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for d in scaling:
            print(f"| {d['objective']} | {d['threads']} | {d['length']} | {d['d_model']} | {d['parameters']:,} "
                  f"| {d['train_tokens_per_s_median']:.0f} ({d['train_tokens_per_s_best']:.0f}) "
                  f"| {d['forward_tokens_per_s_median']:.0f} ({d['forward_tokens_per_s_best']:.0f}) "
                  f"| {d['gflops']:.0f} | {d.get('load1', float('nan')):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
