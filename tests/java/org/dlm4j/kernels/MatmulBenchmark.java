package org.dlm4j.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput of {@link Matmul} in GFLOP/s (2mnk / seconds), reference loops against the fast path,
 * on 1 and 2 threads, optionally beside numpy/OpenBLAS numbers from {@code bench/matmul_numpy.py}.
 * Not a test: timings on a shared machine are noisy, so it reports the best (min time) and the
 * median of several repetitions, and ratios measured in the same run.
 *
 * <p>Run from the repository root (build first with {@code ./mvnw -q -B test-compile}):
 * <pre>
 *   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/matmul_numpy.py > target/matmul_numpy.csv
 *   java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *        org.dlm4j.kernels.MatmulBenchmark --numpy target/matmul_numpy.csv
 * </pre>
 * Options: {@code --sizes 256,512,1024}, {@code --threads 1,2}, {@code --reps 31},
 * {@code --no-reference} (the naive loops take seconds at n=1024).
 */
public final class MatmulBenchmark {

    private record Result(double bestGflops, double medianGflops) {
    }

    /** Warm-up time per case, as in {@code bench/matmul_numpy.py}. */
    private static final long WARMUP_NANOS = 1_000_000_000L;

    private MatmulBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int[] sizes = {256, 512, 1024};
        int[] threadCounts = {1, 2};
        int reps = 31;
        boolean reference = true;
        Map<String, Result> numpy = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = parseInts(args[++i]);
                case "--threads" -> threadCounts = parseInts(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--no-reference" -> reference = false;
                case "--numpy" -> numpy = readNumpy(Path.of(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("vector species %s, %d threads available%n",
                MatmulMicroKernel.SPECIES, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-4s %5s %3s | %15s | %15s | %15s | %11s | %11s%n", "form", "n", "thr",
                "reference", "fast", "numpy", "fast/ref", "fast/numpy");
        System.out.printf("%-4s %5s %3s | %15s | %15s | %15s | %11s | %11s%n", "", "", "",
                "best / median", "best / median", "best / median", "best/median", "best/median");
        List<String[]> cases = new ArrayList<>();
        for (int n : sizes) {
            cases.add(new String[] {"ab", Integer.toString(n)});
        }
        cases.add(new String[] {"abT", "512"});
        cases.add(new String[] {"aTb", "512"});
        for (String[] cs : cases) {
            String form = cs[0];
            int n = Integer.parseInt(cs[1]);
            for (int threads : threadCounts) {
                Parallel.setThreads(threads);
                Result ref = reference ? time(form, n, KernelMode.REFERENCE, n >= 1024 ? 2 : 3) : null;
                Result fast = time(form, n, KernelMode.FAST, reps);
                Result np = numpy.get(form + "," + n + "," + threads);
                System.out.printf("%-4s %5d %3d | %15s | %15s | %15s | %11s | %11s%n", form, n, threads,
                        show(ref), show(fast), show(np), ratio(fast, ref), ratio(fast, np));
            }
        }
        KernelMode.set(KernelMode.FAST);
    }

    private static Result time(String form, int n, KernelMode mode, int reps) {
        KernelMode.set(mode);
        Rng rng = new Rng(42);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat() - 0.5f;
            b[i] = rng.nextFloat() - 0.5f;
        }
        // Warm up for a second (at least 3 calls): C2 recompiles the threaded path when the thread count
        // changes, and a dozen sub-millisecond calls are not enough for that to finish.
        long warmupEnd = System.nanoTime() + (mode == KernelMode.FAST ? WARMUP_NANOS : 0);
        for (int w = 0; w < 3 || System.nanoTime() < warmupEnd; w++) {
            run(form, a, b, c, n);
            if (mode == KernelMode.REFERENCE) {
                break;
            }
        }
        double[] seconds = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            run(form, a, b, c, n);
            seconds[r] = (System.nanoTime() - t0) * 1e-9;
        }
        Arrays.sort(seconds);
        double flops = 2.0 * n * n * n;
        return new Result(flops / seconds[0] * 1e-9, flops / seconds[reps / 2] * 1e-9);
    }

    private static void run(String form, float[] a, float[] b, float[] c, int n) {
        switch (form) {
            case "ab" -> Matmul.ab(a, 0, b, 0, c, 0, n, n, n, false);
            case "abT" -> Matmul.abT(a, 0, b, 0, c, 0, n, n, n, false);
            case "aTb" -> Matmul.aTb(a, 0, b, 0, c, 0, n, n, n, false);
            default -> throw new IllegalArgumentException("unknown form " + form);
        }
    }

    private static String show(Result r) {
        return r == null ? "-" : String.format("%6.1f / %6.1f", r.bestGflops, r.medianGflops);
    }

    private static String ratio(Result top, Result bottom) {
        return top == null || bottom == null ? "-"
                : String.format("%4.2f / %4.2f", top.bestGflops / bottom.bestGflops,
                top.medianGflops / bottom.medianGflops);
    }

    /** Lines {@code form,n,threads,best_gflops,median_gflops}; '#' lines are comments. */
    private static Map<String, Result> readNumpy(Path file) throws IOException {
        Map<String, Result> results = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("form")) {
                continue;
            }
            String[] f = line.split(",");
            results.put(f[0] + "," + f[1] + "," + f[2],
                    new Result(Double.parseDouble(f[3]), Double.parseDouble(f[4])));
        }
        return results;
    }

    private static int[] parseInts(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
