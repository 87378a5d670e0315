package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * The vector fast paths of GELU, LayerNorm, cross-entropy and the bias/residual adds against the
 * reference loops, on sizes with partial vectors (channels 37, vocabulary 258) and inputs far out
 * in the tails (GELU of ±12, logits of ±40).
 */
class FastVariantsTest {
    private static final int ROWS = 67;

    @Test
    void geluMatchesTheReferenceEverywhere() {
        float[] x = KernelTestData.gaussian(31, 4099);
        for (int i = 0; i < 40; i++) {
            x[i] = -12f + 0.6f * i;
        }
        float[] dout = KernelTestData.gaussian(32, x.length);
        compare("gelu", () -> {
            float[] out = new float[x.length];
            float[] dx = new float[x.length];
            Gelu.forward(x, out, x.length);
            Gelu.backward(x, dout, dx, x.length);
            return new float[][] {out, dx};
        }, 2e-6f);
    }

    @Test
    void layerNormMatchesTheReference() {
        for (int channels : new int[] {37, 64, 256}) {
            float[] x = KernelTestData.gaussian(33, ROWS * channels);
            float[] dout = KernelTestData.gaussian(34, x.length);
            float[] weight = KernelTestData.gaussian(35, channels);
            float[] bias = KernelTestData.gaussian(36, channels);
            compare("layerNorm C=" + channels, () -> {
                float[] out = new float[x.length];
                float[] mean = new float[ROWS];
                float[] rstd = new float[ROWS];
                float[] dx = new float[x.length];
                float[] dw = new float[channels];
                float[] db = new float[channels];
                LayerNorm.forward(x, weight, bias, out, mean, rstd, ROWS, channels, 1e-5f);
                LayerNorm.backward(dout, x, weight, mean, rstd, dx, dw, db, ROWS, channels);
                return new float[][] {out, mean, rstd, dx, dw, db};
            }, 1e-5f);
        }
    }

    @Test
    void crossEntropyMatchesTheReference() {
        int vocab = 258;
        float[] logits = KernelTestData.gaussian(37, ROWS * vocab);
        logits[5] = 40f;
        logits[vocab + 7] = -40f;
        int[] targets = KernelTestData.ints(38, ROWS, vocab);
        float[] weights = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            weights[r] = r % 4 == 0 ? 0f : 0.5f + r % 3;
        }
        compare("crossEntropy", () -> {
            float[] losses = new float[ROWS];
            float[] lse = new float[ROWS];
            float[] total = {(float) CrossEntropy.forward(logits, targets, weights, losses, lse, ROWS, vocab)};
            float[] dlogits = new float[logits.length];
            CrossEntropy.backward(logits, lse, targets, weights, 0.25f, dlogits, ROWS, vocab);
            return new float[][] {losses, lse, total, dlogits};
        }, 1e-5f);
    }

    @Test
    void addsAreBitIdenticalToTheReference() {
        int cols = 37;
        float[] x = KernelTestData.gaussian(39, ROWS * cols);
        float[] y = KernelTestData.gaussian(40, x.length);
        float[] bias = KernelTestData.gaussian(41, cols);
        Supplier<float[][]> all = () -> {
            float[] sum = new float[x.length];
            Elementwise.addForward(x, y, sum, x.length);
            float[] da = KernelTestData.gaussian(42, x.length);
            float[] db = new float[x.length];
            Elementwise.addBackward(y, da, db, x.length);
            float[] biased = new float[x.length];
            Elementwise.biasAddForward(x, bias, biased, ROWS, cols);
            float[] dx = new float[x.length];
            float[] dbias = KernelTestData.gaussian(43, cols);
            Elementwise.biasAddBackward(y, dx, dbias, ROWS, cols);
            return new float[][] {sum, da, db, biased, dx, dbias};
        };
        float[][] reference = inMode(KernelMode.REFERENCE, all);
        float[][] fast = inMode(KernelMode.FAST, all);
        for (int i = 0; i < reference.length; i++) {
            assertThat(fast[i]).as("array " + i).containsExactly(reference[i]);
        }
    }

    private static void compare(String name, Supplier<float[][]> kernels, float tolerance) {
        float[][] reference = inMode(KernelMode.REFERENCE, kernels);
        float[][] fast = inMode(KernelMode.FAST, kernels);
        for (int a = 0; a < reference.length; a++) {
            for (int i = 0; i < reference[a].length; i++) {
                float expected = reference[a][i];
                assertThat(fast[a][i]).as(name + " array " + a + " [" + i + "]")
                        .isCloseTo(expected, within(tolerance * Math.max(1f, Math.abs(expected))));
            }
        }
    }

    private static float[][] inMode(KernelMode mode, Supplier<float[][]> kernels) {
        KernelMode saved = KernelMode.current();
        KernelMode.set(mode);
        try {
            return kernels.get();
        } finally {
            KernelMode.set(saved);
        }
    }
}
