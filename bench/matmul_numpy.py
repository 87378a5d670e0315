#!/usr/bin/env python3
"""numpy/OpenBLAS sgemm throughput, the yardstick for dlm4j's MatmulBenchmark.

Prints CSV lines  form,n,threads,best_gflops,median_gflops  (GFLOP/s = 2 n^3 / seconds; best and
median of 31 timed calls after a 1 s warm-up, as MatmulBenchmark) for the same cases: ab = a @ b at each size, abT = a @ b.T
and aTb = a.T @ b at 512 (numpy hands the transposes to sgemm as flags, no copies).

OpenBLAS reads its thread count when it loads, so each thread count runs in a fresh child process
with OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) set. Run it with a numpy linked to OpenBLAS
(the '#' header says which BLAS it found; on the dev machine that is the pyenv python3 with numpy 2.x
and scipy-openblas, while Debian's /usr/bin/python3 numpy links the slow netlib reference BLAS),
without the machine-wide OpenBLAS overrides:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/matmul_numpy.py > target/matmul_numpy.csv
"""
import os
import subprocess
import sys
import time

SIZES = [256, 512, 1024]
THREADS = [1, 2]
REPS = 31
WARMUP_SECONDS = 1.0


def measure(threads):
    import numpy as np

    rng = np.random.default_rng(42)
    cases = [("ab", n) for n in SIZES] + [("abT", 512), ("aTb", 512)]
    for form, n in cases:
        a = (rng.random((n, n), dtype=np.float32) - 0.5)
        b = (rng.random((n, n), dtype=np.float32) - 0.5)
        c = np.empty((n, n), dtype=np.float32)
        left = a.T if form == "aTb" else a
        right = b.T if form == "abT" else b
        warmup_end = time.perf_counter() + WARMUP_SECONDS
        calls = 0
        while calls < 3 or time.perf_counter() < warmup_end:
            np.matmul(left, right, out=c)
            calls += 1
        seconds = []
        for _ in range(REPS):
            t0 = time.perf_counter()
            np.matmul(left, right, out=c)
            seconds.append(time.perf_counter() - t0)
        seconds.sort()
        flops = 2.0 * n ** 3
        print(f"{form},{n},{threads},{flops / seconds[0] * 1e-9:.2f},{flops / seconds[REPS // 2] * 1e-9:.2f}",
              flush=True)


def describe_blas():
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except (TypeError, KeyError):
        return "unknown (numpy < 1.25)"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        measure(int(sys.argv[2]))
        return
    import numpy as np

    print(f"# numpy {np.__version__}, BLAS {describe_blas()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print("form,n,threads,best_gflops,median_gflops", flush=True)
    for threads in THREADS:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        subprocess.run([sys.executable, __file__, "--child", str(threads)], env=env, check=True)


if __name__ == "__main__":
    main()
