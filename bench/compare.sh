#!/usr/bin/env bash
# Side-by-side training/forward throughput: dlm4j (bench command) and PyTorch (bench/bench_torch.py),
# interleaved so that both see the same machine load. Appends one JSON object per run to
# target/bench/compare.jsonl (each with the load average when it started) and prints a table.
#
#   bench/compare.sh [rounds]          # default 1 round: ar/diffusion x 1/2 threads, each Java then PyTorch
#
# Java runs with -Xmx1g (training must fit in 1 GB) plus $JAVA_OPTS (e.g. -XX:+UseParallelGC); OUT sets the file. PyTorch runs with Debian's OpenMP OpenBLAS
# first in LD_LIBRARY_PATH and the machine-wide OpenBLAS overrides removed (see bench_torch.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. .mvn/jdk25.sh
rounds="${1:-1}"
reps="${REPS:-5}"
out="${OUT:-target/bench/compare.jsonl}"
mkdir -p target/bench
[ -f target/dlm4j.jar ] || ./mvnw -q -B -DskipTests package
load() { cut -d' ' -f1 /proc/loadavg; }
tag() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["load1"]=float(sys.argv[1]); print(json.dumps(d))' "$1"; }
for round in $(seq "$rounds"); do
  for objective in ar diffusion; do
    for threads in 1 2; do
      l=$(load)
      "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector -Xmx1g ${JAVA_OPTS:-} -jar target/dlm4j.jar bench \
          --preset reference --objective "$objective" --threads "$threads" --reps "$reps" --warmup 3 --json \
          2>/dev/null | tail -1 | tag "$l" >> "$out"
      l=$(load)
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
          OMP_NUM_THREADS="$threads" /usr/bin/python3 bench/bench_torch.py --objective "$objective" \
          --threads "$threads" --reps "$reps" --warmup 3 --json | tail -1 | tag "$l" >> "$out"
    done
  done
done
python3 bench/table.py "$out"
