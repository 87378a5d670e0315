# Shared by compare.sh and scaling.sh: one dlm4j run and one PyTorch run of the same configuration,
# each appending one JSON line, tagged with the 1-minute load average when it started, to "$out".
#
#   java_bench HEAP THREADS ARGS...    dlm4j bench --preset reference --json ARGS, -XmxHEAP, $JAVA_OPTS
#                                      (default -XX:+UseParallelGC, as ./dlm4j)
#   torch_bench THREADS ARGS...        bench/bench_torch.py --json ARGS with Debian's OpenMP OpenBLAS first
#                                      and the machine-wide OpenBLAS overrides removed (see bench_torch.py)
. .mvn/jdk25.sh
mkdir -p target/bench
[ -f target/dlm4j.jar ] || ./mvnw -q -B -DskipTests package

tag_load() {
  python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["load1"]=float(sys.argv[1]); print(json.dumps(d))' "$1"
}

java_bench() {
  local heap="$1" threads="$2" load
  shift 2
  load=$(cut -d' ' -f1 /proc/loadavg)
  "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector "-Xmx$heap" ${JAVA_OPTS:--XX:+UseParallelGC} \
      -jar target/dlm4j.jar bench --preset reference --threads "$threads" --json "$@" \
      2>/dev/null | tail -1 | tag_load "$load" >> "$out"
}

torch_bench() {
  local threads="$1" load
  shift
  load=$(cut -d' ' -f1 /proc/loadavg)
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
      OMP_NUM_THREADS="$threads" /usr/bin/python3 bench/bench_torch.py --threads "$threads" --json "$@" \
      | tail -1 | tag_load "$load" >> "$out"
}
