#!/usr/bin/env bash
# dlm4j training/forward tokens/s as the reference model's T and C vary (B 16, 4 layers, 4 heads):
# T = 64, 128, 256, 512 at C 256, and C = 128, 256, 512 at T 128. Appends JSON lines (with the load
# average) to target/bench/scaling.jsonl and prints a table. -Xmx4g: T 512 keeps (B, H, T, T)
# attention probabilities of 67 MB per layer.
#
#   bench/scaling.sh [objective] [threads]      # default: ar 1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. .mvn/jdk25.sh
objective="${1:-ar}"
threads="${2:-1}"
out=target/bench/scaling.jsonl
mkdir -p target/bench
[ -f target/dlm4j.jar ] || ./mvnw -q -B -DskipTests package
run() {
  l=$(cut -d' ' -f1 /proc/loadavg)
  "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector -Xmx4g -jar target/dlm4j.jar bench --preset reference \
      --objective "$objective" --threads "$threads" --reps "${REPS:-5}" --warmup 2 --steps "${STEPS:-3}" --json "$@" \
      2>/dev/null | tail -1 \
      | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["load1"]=float(sys.argv[1]); print(json.dumps(d))' "$l" >> "$out"
}
for t in 64 128 256 512; do run --context "$t"; done
for c in 128 512; do run --d-model "$c"; done
python3 bench/table.py "$out"
