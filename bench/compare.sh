#!/usr/bin/env bash
# Side-by-side training/forward throughput: dlm4j (bench command) and PyTorch (bench/bench_torch.py),
# interleaved so that both see the same machine load. Appends one JSON object per run to
# target/bench/compare.jsonl (each with the load average when it started) and prints a table.
#
#   bench/compare.sh [rounds]          # default 1 round: ar/diffusion x 1/2 threads, each Java then PyTorch
#
# Java runs with -Xmx1g (training must fit in 1 GB); REPS (default 5) sets the repetitions, OUT the file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-1}"
reps="${REPS:-5}"
out="${OUT:-target/bench/compare.jsonl}"
. bench/common.sh
for round in $(seq "$rounds"); do
  for objective in ar diffusion; do
    for threads in 1 2; do
      java_bench 1g "$threads" --objective "$objective" --reps "$reps" --warmup 3
      torch_bench "$threads" --objective "$objective" --reps "$reps" --warmup 3
    done
  done
done
python3 bench/table.py "$out"
