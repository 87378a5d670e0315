package org.dlm4j.train;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.kernels.Parallel;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;
import org.dlm4j.objective.Loss;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.objective.Objectives;
import org.dlm4j.tensor.Tensor;

/**
 * Training and forward throughput of a model preset on random byte windows, the numbers that
 * {@code bench/bench_torch.py} measures for PyTorch.
 *
 * <p>One training step is what {@link Trainer} does per step: objective loss, backward, global
 * gradient-norm clipping (1.0), AdamW (lr 3e-4, betas 0.9/0.95, eps 1e-8, weight decay 0.1 on
 * matrices), zero the gradients. One forward step is the objective's loss without a graph
 * ({@link Tensor#noGrad()}). Each step runs in a {@link Tensor#workspace()} scope, so its arrays are
 * reused by the next step instead of allocated. After {@code warmup} steps, each of {@code reps} repetitions times
 * {@code steps} steps; tokens/s of a repetition = B * T * steps / seconds.
 *
 * <p>FLOPs per training token (stated so that it can be checked; the same formula as the PyTorch
 * script): {@code 6 N + 12 L T C a}, where N counts the weights of the matrix products (every
 * Linear and the head, not the embedding lookups), and the second term is the attention products
 * q·k and p·v (2 T C FLOPs each per token and layer forward, times 3 for forward plus backward),
 * a = 1/2 with the causal mask (only the unmasked half is useful work) and 1 without it.
 *
 * <p>Peak heap: the largest used heap (live data plus garbage not yet collected) seen right after
 * each backward pass and each forward step, where the step's arrays are all still reachable. Run
 * with {@code -Xmx1g} to check that training fits in 1 GB. Live heap at peak: the heap in use
 * after a full collection at that fullest point of one more (untimed) step: what training needs.
 */
public final class Benchmark {

    /**
     * What to measure.
     *
     * @param model   the model shape (its causal flag is replaced by the objective's)
     * @param threads size of the kernel pool
     */
    public record Settings(TransformerConfig model, String objective, int batchSize, int length, int threads,
                           int warmup, int reps, int steps, long seed) {
        public Settings {
            if (batchSize < 1 || length < 1 || threads < 1 || warmup < 0 || reps < 1 || steps < 1) {
                throw new IllegalArgumentException("bench needs batch, length, threads, reps and steps >= 1 and"
                        + " warmup >= 0, got batch " + batchSize + ", length " + length + ", threads " + threads
                        + ", reps " + reps + ", steps " + steps + ", warmup " + warmup);
            }
            if (length > model.contextLength()) {
                throw new IllegalArgumentException("length " + length + " exceeds the model's context length "
                        + model.contextLength());
            }
        }
    }

    /** Tokens/s per repetition, for training and forward-only steps, and what they imply. */
    public record Result(Settings settings, long parameters, double flopsPerToken, double[] trainTokensPerSecond,
                         double[] forwardTokensPerSecond, double peakHeapMb, double liveHeapMb, double finalLoss) {

        public double trainMedian() {
            return median(trainTokensPerSecond);
        }

        public double forwardMedian() {
            return median(forwardTokensPerSecond);
        }

        /** Training GFLOP/s at the median repetition. */
        public double gflops() {
            return flopsPerToken * trainMedian() / 1e9;
        }

        /** The numbers as an ordered map (the JSON object of {@code dlm4j bench --json}). */
        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("framework", "dlm4j");
            out.put("objective", settings.objective());
            out.put("threads", settings.threads());
            out.put("batch", settings.batchSize());
            out.put("length", settings.length());
            out.put("d_model", settings.model().dModel());
            out.put("layers", settings.model().numLayers());
            out.put("parameters", parameters);
            out.put("train_tokens_per_s", round(trainMedian()));
            out.put("train_tokens_per_s_median", round(trainMedian()));
            out.put("train_tokens_per_s_best", round(max(trainTokensPerSecond)));
            out.put("train_ms_per_step_min", round(msPerStep(max(trainTokensPerSecond))));
            out.put("train_ms_per_step_median", round(msPerStep(trainMedian())));
            out.put("forward_tokens_per_s", round(forwardMedian()));
            out.put("forward_tokens_per_s_median", round(forwardMedian()));
            out.put("forward_tokens_per_s_best", round(max(forwardTokensPerSecond)));
            out.put("forward_ms_per_step_min", round(msPerStep(max(forwardTokensPerSecond))));
            out.put("forward_ms_per_step_median", round(msPerStep(forwardMedian())));
            out.put("gflops", round(gflops()));
            out.put("flops_per_token", flopsPerToken);
            out.put("peak_heap_mb", round(peakHeapMb));
            out.put("live_heap_at_peak_mb", round(liveHeapMb));
            out.put("max_heap_mb", round(Runtime.getRuntime().maxMemory() / 1048576.0));
            out.put("reps", settings.reps());
            out.put("steps_per_rep", settings.steps());
            out.put("loss", finalLoss);
            return out;
        }

        private double msPerStep(double tokensPerSecond) {
            return 1000.0 * settings.batchSize() * settings.length() / tokensPerSecond;
        }
    }

    /** The largest used heap seen by {@link #sampleHeap()} in the current run. */
    private static long peakHeapBytes;

    private Benchmark() {
    }

    /** The settings of the reference comparison: B 16, T 128, 3 warm-up steps, 5 reps of 5 steps. */
    public static Settings reference(String objective, int threads) {
        TransformerConfig model = TransformerConfig.preset("reference", ByteTokenizer.VOCAB_SIZE);
        return new Settings(model, objective, 16, model.contextLength(), threads, 3, 5, 5, 1);
    }

    /** Runs the measurement (sets the kernel pool to {@code settings.threads()} and leaves it so). */
    public static Result run(Settings settings) {
        Objective objective = Objectives.create(settings.objective(), ObjectiveOptions.defaults(ByteTokenizer.MASK));
        TransformerConfig config = settings.model().withCausal(objective.causal());
        Parallel.setThreads(settings.threads());
        Transformer model = new Transformer(config, new Rng(settings.seed()));
        AdamWOptimizer optimizer = new AdamWOptimizer(model, 0.9, 0.95, 1e-8, 0.1);
        int batch = settings.batchSize();
        int length = settings.length();
        int[] windows = randomWindows(settings);
        long[] stepCount = {0};
        double[] lastLoss = {Double.NaN};
        Runnable train = () -> {
            stepCount[0]++;
            try (var step = Tensor.workspace()) {
                Loss loss = objective.loss(model, windows, batch, length, new Rng(settings.seed() * 31 + stepCount[0]));
                lastLoss[0] = loss.value().item();
                loss.value().backward();
                sampleHeap();
                optimizer.clipGradNorm(1.0);
                optimizer.step(3e-4);
                model.zeroGrad();
            }
        };
        Runnable forward = () -> {
            try (var step = Tensor.workspace(); var scope = Tensor.noGrad()) {
                objective.loss(model, windows, batch, length, new Rng(settings.seed())).value().item();
                sampleHeap();
            }
        };
        peakHeapBytes = 0;
        double[] trainRates = measure(train, settings);
        double[] forwardRates = measure(forward, settings);
        double live = liveHeapAtPeakMb(objective, model, windows, batch, length);
        org.dlm4j.tensor.Workspace.releaseCached();
        double peak = peakHeapBytes / 1048576.0;
        return new Result(settings, model.numParameters(), flopsPerToken(model, config, length), trainRates,
                forwardRates, peak, live, lastLoss[0]);
    }

    /** 6 N + 12 L T C a, see the class comment. */
    /** The benchmark's batch: B windows of T + 1 random bytes, drawn from seed + 1. */
    static int[] randomWindows(Settings settings) {
        int[] windows = new int[settings.batchSize() * (settings.length() + 1)];
        Rng data = new Rng(settings.seed() + 1);
        for (int i = 0; i < windows.length; i++) {
            windows[i] = data.nextInt(256);
        }
        return windows;
    }

    static double flopsPerToken(Transformer model, TransformerConfig config, int length) {
        long matrixWeights = 0;
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getValue().rank() == 2 && !e.getKey().contains("embedding")) {
                matrixWeights += e.getValue().size();
            }
        }
        if (config.tiedHead()) {
            matrixWeights += (long) config.vocabSize() * config.dModel();
        }
        double attention = 12.0 * config.numLayers() * length * config.dModel() * (config.causal() ? 0.5 : 1.0);
        return 6.0 * matrixWeights + attention;
    }

    static double[] measure(Runnable step, Settings settings) {
        for (int i = 0; i < settings.warmup(); i++) {
            step.run();
        }
        double[] rates = new double[settings.reps()];
        for (int r = 0; r < settings.reps(); r++) {
            long start = System.nanoTime();
            for (int s = 0; s < settings.steps(); s++) {
                step.run();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            rates[r] = (double) settings.batchSize() * settings.length() * settings.steps() / seconds;
        }
        return rates;
    }

    /**
     * The live heap at the fullest point of a training step (after backward, every activation and
     * gradient still reachable): one more untimed step, with a full collection at that point.
     */
    private static double liveHeapAtPeakMb(Objective objective, Transformer model, int[] windows, int batch,
                                           int length) {
        try (var step = Tensor.workspace()) {
            Loss loss = objective.loss(model, windows, batch, length, new Rng(0));
            loss.value().backward();
            System.gc();
            double mb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
            model.zeroGrad();
            return mb;
        }
    }

    private static void sampleHeap() {
        peakHeapBytes = Math.max(peakHeapBytes, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
