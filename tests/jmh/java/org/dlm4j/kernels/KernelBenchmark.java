package org.dlm4j.kernels;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the kernels at the reference model's shapes (B 16, T 128, C 256, H 4,
 * V 258; rows = B*T = 2048), fast and reference mode, 1 or 2 threads. Time per call; divide the
 * FLOPs in each method's comment by it for GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
public class KernelBenchmark {
    private static final int B = 16;
    private static final int T = 128;
    private static final int C = 256;
    private static final int H = 4;
    private static final int V = 258;
    private static final int ROWS = B * T;

    @Param({"FAST", "REFERENCE"})
    public String mode;

    @Param({"1", "2"})
    public int threads;

    private float[] x;
    private float[] weight;
    private float[] qkvWeight;
    private float[] out3;
    private float[] qkv;
    private float[] attnOut;
    private float[] probs;
    private float[] dqkv;
    private float[] hidden;
    private float[] hiddenOut;
    private float[] logits;
    private float[] dlogits;
    private int[] targets;
    private float[] mean;
    private float[] rstd;
    private float[] lnOut;
    private float[] gamma;

    @Setup(Level.Trial)
    public void setUp() {
        KernelMode.set(KernelMode.valueOf(mode));
        Parallel.setThreads(threads);
        x = gaussian(1, ROWS * C);
        weight = gaussian(2, C);
        gamma = gaussian(3, C);
        qkvWeight = gaussian(4, 3 * C * C);
        out3 = new float[ROWS * 3 * C];
        qkv = gaussian(5, ROWS * 3 * C);
        attnOut = new float[ROWS * C];
        probs = new float[B * H * T * T];
        dqkv = new float[ROWS * 3 * C];
        hidden = gaussian(6, ROWS * 4 * C);
        hiddenOut = new float[ROWS * 4 * C];
        logits = gaussian(7, ROWS * V);
        dlogits = new float[ROWS * V];
        targets = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            targets[i] = (i * 31) % V;
        }
        mean = new float[ROWS];
        rstd = new float[ROWS];
        lnOut = new float[ROWS * C];
        Attention.forward(qkv, attnOut, probs, B, T, C, H, true);
    }

    /** qkv projection, 2 * 2048 * 256 * 768 FLOPs. */
    @Benchmark
    public float[] linearQkv() {
        Matmul.abT(x, 0, qkvWeight, 0, out3, 0, ROWS, C, 3 * C, false);
        return out3;
    }

    /** Its weight gradient dW = dyᵀ x, the same FLOPs. */
    @Benchmark
    public float[] linearQkvWeightGrad() {
        Matmul.aTb(qkv, 0, x, 0, qkvWeight, 0, 3 * C, ROWS, C, false);
        return qkvWeight;
    }

    /** Causal attention forward, about 2 * 2 * B*H*T*T*hs / 2 useful FLOPs (134 M). */
    @Benchmark
    public float[] attentionForward() {
        Attention.forward(qkv, attnOut, probs, B, T, C, H, true);
        return attnOut;
    }

    /** Causal attention backward, about twice the forward. */
    @Benchmark
    public float[] attentionBackward() {
        Attention.backward(attnOut, qkv, probs, dqkv, B, T, C, H, true);
        return dqkv;
    }

    @Benchmark
    public float[] geluForward() {
        Gelu.forward(hidden, hiddenOut, hidden.length);
        return hiddenOut;
    }

    @Benchmark
    public float[] geluBackward() {
        Gelu.backward(hidden, hidden, hiddenOut, hidden.length);
        return hiddenOut;
    }

    @Benchmark
    public float[] layerNormForward() {
        LayerNorm.forward(x, gamma, weight, lnOut, mean, rstd, ROWS, C, 1e-5f);
        return lnOut;
    }

    @Benchmark
    public float[] crossEntropyForwardBackward() {
        float[] losses = new float[ROWS];
        float[] lse = new float[ROWS];
        CrossEntropy.forward(logits, targets, null, losses, lse, ROWS, V);
        CrossEntropy.backward(logits, lse, targets, null, 1f / ROWS, dlogits, ROWS, V);
        return dlogits;
    }

    private static float[] gaussian(long seed, int n) {
        Rng rng = new Rng(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (rng.nextGaussian() * 0.5);
        }
        return values;
    }
}
