#!/usr/bin/env bash
# Training/forward tokens/s as the reference model's T and C vary (B 16, 4 layers, 4 heads), dlm4j
# then PyTorch for each configuration: T = 64, 128, 256, 512 at C 256, and C = 128, 512 at T 128.
# Appends JSON lines (with the load average) to target/bench/scaling.jsonl and prints a table.
# -Xmx4g: T 512 keeps (B, H, T, T) attention probabilities of 67 MB per layer.
#
#   bench/scaling.sh [objective] [threads]      # default: ar 1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
objective="${1:-ar}"
threads="${2:-1}"
out="${OUT:-target/bench/scaling.jsonl}"
. bench/common.sh
run() {
  java_bench 4g "$threads" --objective "$objective" --reps "${REPS:-5}" --warmup 2 --steps "${STEPS:-3}" "$@"
  torch_bench "$threads" --objective "$objective" --reps "${REPS:-5}" --warmup 2 --steps "${STEPS:-3}" \
      "${@/--context/--length}"
}
for t in 64 128 256 512; do run --context "$t"; done
for c in 128 512; do run --d-model "$c"; done
python3 bench/table.py "$out"
