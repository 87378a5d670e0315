package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every kernel, forward and backward, on shapes big enough to be split across threads: one
 * thread and two threads give the same bits; REFERENCE and FAST modes agree.
 */
class KernelDeterminismTest {

    @Test
    void oneAndTwoThreadsAreBitIdentical() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            List<float[]> single = runAll();
            Parallel.setThreads(2);
            List<float[]> dual = runAll();
            assertThat(single).hasSameSizeAs(dual);
            for (int i = 0; i < single.size(); i++) {
                assertThat(dual.get(i)).as("array " + i).containsExactly(single.get(i));
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void referenceAndFastModesAgree() {
        KernelMode saved = KernelMode.current();
        try {
            KernelMode.set(KernelMode.REFERENCE);
            List<float[]> reference = runAll();
            KernelMode.set(KernelMode.FAST);
            List<float[]> fast = runAll();
            for (int i = 0; i < reference.size(); i++) {
                float[] r = reference.get(i);
                float[] f = fast.get(i);
                for (int j = 0; j < r.length; j++) {
                    // 1e-5 absolute, relative for large sums (a parameter gradient of 512 rows is about 25)
                    float tolerance = 1e-5f * Math.max(1f, Math.abs(r[j]));
                    assertThat(f[j]).as("array " + i + " element " + j).isCloseTo(r[j], within(tolerance));
                }
            }
        } finally {
            KernelMode.set(saved);
        }
    }

    /** Runs each kernel's forward and backward; returns every array they wrote. */
    private static List<float[]> runAll() {
        List<float[]> results = new ArrayList<>();
        int rows = 512;
        int cols = 128;
        float[] x = KernelTestData.gaussian(1, rows * cols);
        float[] dout = KernelTestData.gaussian(2, rows * cols);
        float[] vector = KernelTestData.gaussian(3, cols);

        float[] sum = new float[x.length];
        Elementwise.addForward(x, dout, sum, x.length);
        float[] biased = new float[x.length];
        Elementwise.biasAddForward(x, vector, biased, rows, cols);
        float[] dbias = new float[cols];
        Elementwise.biasAddBackward(dout, null, dbias, rows, cols);
        results.addAll(List.of(sum, biased, dbias));

        float[] gelu = new float[x.length];
        float[] dGelu = new float[x.length];
        Gelu.forward(x, gelu, x.length);
        Gelu.backward(x, dout, dGelu, x.length);
        results.addAll(List.of(gelu, dGelu));

        float[] p = new float[x.length];
        float[] dp = new float[x.length];
        float[] logP = new float[x.length];
        float[] dLogP = new float[x.length];
        Softmax.forward(x, p, rows, cols);
        Softmax.backward(p, dout, dp, rows, cols);
        Softmax.logForward(x, logP, rows, cols);
        Softmax.logBackward(logP, dout, dLogP, rows, cols);
        results.addAll(List.of(p, dp, logP, dLogP));

        int[] targets = KernelTestData.ints(4, rows, cols);
        float[] weights = new float[rows];
        for (int r = 0; r < rows; r++) {
            weights[r] = r % 3 == 0 ? 0f : 1f;
        }
        float[] losses = new float[rows];
        float[] lse = new float[rows];
        float[] total = {(float) CrossEntropy.forward(x, targets, weights, losses, lse, rows, cols)};
        float[] dLogits = new float[x.length];
        CrossEntropy.backward(x, lse, targets, weights, 0.5f, dLogits, rows, cols);
        results.addAll(List.of(losses, total, dLogits));

        float[] norm = new float[x.length];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        float[] dNorm = new float[x.length];
        float[] dWeight = new float[cols];
        float[] dBiasLn = new float[cols];
        LayerNorm.forward(x, vector, vector, norm, mean, rstd, rows, cols, 1e-5f);
        LayerNorm.backward(dout, x, vector, mean, rstd, dNorm, dWeight, dBiasLn, rows, cols);
        results.addAll(List.of(norm, mean, rstd, dNorm, dWeight, dBiasLn));

        int[] ids = KernelTestData.ints(5, rows, 50);
        float[] table = KernelTestData.gaussian(6, 50 * cols);
        float[] picked = new float[rows * cols];
        float[] dTable = new float[50 * cols];
        Embedding.forward(table, ids, picked, rows, 50, cols);
        Embedding.backward(dout, ids, dTable, rows, cols);
        results.addAll(List.of(picked, dTable));

        float[] dropped = new float[x.length];
        float[] dDropped = new float[x.length];
        Dropout.forward(x, dropped, x.length, 0.1f, 99);
        Dropout.backward(dout, dDropped, x.length, 0.1f, 99);
        results.addAll(List.of(dropped, dDropped));

        int batch = 2;
        int time = 32;
        int channels = 64;
        int heads = 4;
        float[] qkv = KernelTestData.gaussian(7, batch * time * 3 * channels);
        float[] dAttn = KernelTestData.gaussian(8, batch * time * channels);
        for (boolean causal : new boolean[] {true, false}) {
            float[] out = new float[batch * time * channels];
            float[] probs = new float[batch * heads * time * time];
            float[] dqkv = new float[qkv.length];
            Attention.forward(qkv, out, probs, batch, time, channels, heads, causal);
            Attention.backward(dAttn, qkv, probs, dqkv, batch, time, channels, heads, causal);
            results.addAll(List.of(out, probs, dqkv));
        }
        return results;
    }
}
