package org.dlm4j.kernels;

import java.util.Arrays;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 4, fused ops: the backward pass of {@link LayerNorm}, one row of the {@link CrossEntropy}
 * gradient, and {@link Attention} forward and backward. Each is checked against the definition
 * computed here in double precision; gradients against central differences of that definition.
 * See lessons/04-fused-ops.
 */
@LessonTest
@Tag("L04")
class Lesson04FusedOpsTest {
    private static final double STEP = 1e-4;
    private static final int ROWS = 3;
    private static final int C = 5;
    private static final float EPS = 1e-5f;

    // ---- L04.1 LayerNorm backward ----

    @Test
    @Tag("L04.1")
    void layerNormBackwardIsTheGradientOfTheForward() {
        float[] x = KernelTestData.gaussian(1, ROWS * C);
        float[] w = KernelTestData.gaussian(2, C);
        float[] dout = KernelTestData.gaussian(3, ROWS * C);
        float[] mean = new float[ROWS];
        float[] rstd = new float[ROWS];
        statistics(x, mean, rstd);
        float[] dx = filled(ROWS * C, 0.5f);
        float[] dw = filled(C, -1f);
        float[] db = filled(C, 2f);
        LayerNorm.referenceBackward(dout, x, w, mean, rstd, dx, dw, db, ROWS, C);

        double[] xd = toDouble(x);
        double[] wd = toDouble(w);
        double[] bd = new double[C];
        Expect.accumulated("dx", filled(ROWS * C, 0.5f), toFloat(numericalGradient(xd, () -> dot(dout, layerNorm(xd, wd, bd)))),
                dx, 1e-4, 1e-3, "dx_c = rstd (g_c - mean(g) - n_c mean(g n)) with g = dout * w: the two means run"
                        + " over the C channels of the row");
        Expect.accumulated("dweight", filled(C, -1f), toFloat(numericalGradient(wd, () -> dot(dout, layerNorm(xd, wd, bd)))),
                dw, 1e-4, 1e-3, "dweight_c = sum over rows of dout_c * n_c");
        Expect.accumulated("dbias", filled(C, 2f), toFloat(numericalGradient(bd, () -> dot(dout, layerNorm(xd, wd, bd)))), db,
                1e-4, 1e-3, "dbias_c = sum over rows of dout_c");
    }

    @Test
    @Tag("L04.1")
    void layerNormBackwardWithoutWeightOrParameterGradients() {
        float[] x = KernelTestData.gaussian(4, ROWS * C);
        float[] dout = KernelTestData.gaussian(5, ROWS * C);
        float[] mean = new float[ROWS];
        float[] rstd = new float[ROWS];
        statistics(x, mean, rstd);
        float[] dx = new float[ROWS * C];
        LayerNorm.referenceBackward(dout, x, null, mean, rstd, dx, null, null, ROWS, C);
        double[] xd = toDouble(x);
        double[] ones = new double[C];
        Arrays.fill(ones, 1);
        Expect.close("dx with weight = null (w = 1) and no parameter gradients",
                toFloat(numericalGradient(xd, () -> dot(dout, layerNorm(xd, ones, new double[C])))), dx, 1e-4, 1e-3,
                "weight null means w = 1; dweight and dbias null mean: do not compute them", ROWS, C);
    }

    // ---- L04.2 cross-entropy gradient ----

    @Test
    @Tag("L04.2")
    void crossEntropyGradientIsSoftmaxMinusOneHot() {
        int vocab = 7;
        float[] logits = KernelTestData.gaussian(6, 2 * vocab);
        int target = 4;
        float g = 0.25f;
        double lse = logSumExp(logits, vocab, vocab);
        float[] dlogits = filled(2 * vocab, 1f);
        CrossEntropy.referenceBackwardRow(logits, vocab, vocab, (float) lse, target, g, dlogits);
        float[] added = new float[2 * vocab];
        for (int c = 0; c < vocab; c++) {
            added[vocab + c] = (float) (g * (Math.exp(logits[vocab + c] - lse) - (c == target ? 1 : 0)));
        }
        Expect.accumulated("dlogits of row 1 (target 4, g = 0.25)", filled(2 * vocab, 1f), added, dlogits, 1e-6, 1e-5,
                "d(lse - x_target)/dx_c = softmax_c - [c == target]; scale by g; row 0 must stay untouched");
    }

    @Test
    @Tag("L04.2")
    void crossEntropyGradientMatchesTheLossNumerically() {
        int vocab = 5;
        float[] logits = KernelTestData.gaussian(7, vocab);
        int target = 2;
        float[] dlogits = new float[vocab];
        CrossEntropy.referenceBackwardRow(logits, 0, vocab, (float) logSumExp(logits, 0, vocab), target, 1f, dlogits);
        double[] z = toDouble(logits);
        Expect.close("dlogits vs central differences of the loss lse(x) - x_target",
                toFloat(numericalGradient(z, () -> logSumExp(z) - z[target])), dlogits, 1e-5, 1e-4,
                "p_c = exp(x_c - lse) from the saved log-sum-exp; subtract g once, at the target");
    }

    // ---- L04.3 attention forward ----

    @Test
    @Tag("L04.3")
    void attentionForwardMatchesTheDefinition() {
        for (boolean causal : new boolean[] {true, false}) {
            Shape s = new Shape(2, 3, 4, 2, causal);
            float[] qkv = KernelTestData.gaussian(8, s.qkvSize());
            float[] out = filled(s.outSize(), 9f);
            float[] probs = filled(s.probsSize(), 9f);
            Attention.referenceForward(qkv, out, probs, s.b, s.t, s.c, s.h, causal);
            double[][] expected = attention(toDouble(qkv), s);
            String what = causal ? "causal" : "bidirectional";
            Expect.close(what + " probabilities (B, H, T, T)", toFloat(expected[1]), probs, 1e-6, 1e-5,
                    "p_ij = softmax_j(q_i · k_j / sqrt(hs)); with the causal mask keys j > i get probability exactly 0",
                    s.b, s.h, s.t, s.t);
            Expect.close(what + " output (B, T, C)", toFloat(expected[0]), out, 1e-6, 1e-5,
                    "o_i = sum_j p_ij v_j for each head, written to that head's channels [h*hs, (h+1)*hs);"
                            + " out is overwritten, not added to", s.b, s.t, s.c);
        }
    }

    // ---- L04.4 attention backward ----

    @Test
    @Tag("L04.4")
    void attentionBackwardIsTheGradientOfTheForward() {
        for (boolean causal : new boolean[] {true, false}) {
            Shape s = new Shape(2, 3, 4, 2, causal);
            double[] qkv = toDouble(KernelTestData.gaussian(9, s.qkvSize()));
            float[] dout = KernelTestData.gaussian(10, s.outSize());
            float[] probs = toFloat(attention(qkv, s)[1]);
            float[] dqkv = filled(s.qkvSize(), 0.5f);
            Attention.referenceBackward(dout, toFloat(qkv), probs, dqkv, s.b, s.t, s.c, s.h, causal);
            Expect.accumulated((causal ? "causal" : "bidirectional") + " dqkv", filled(s.qkvSize(), 0.5f),
                    toFloat(numericalGradient(qkv, () -> dot(dout, attention(qkv, s)[0]))), dqkv, 1e-4, 1e-3,
                    "dv_j += p_ij dO_i; ds_ij = p_ij (dp_ij - sum_j' p_ij' dp_ij'); dq_i += ds_ij k_j / sqrt(hs),"
                            + " dk_j += ds_ij q_i / sqrt(hs); only the keys row i attends to");
        }
    }

    // ---- the definitions, in double ----

    private record Shape(int b, int t, int c, int h, boolean causal) {
        int qkvSize() {
            return b * t * 3 * c;
        }

        int outSize() {
            return b * t * c;
        }

        int probsSize() {
            return b * h * t * t;
        }
    }

    /** {out (B, T, C), probs (B, H, T, T)} of multi-head attention over qkv (B, T, 3C). */
    private static double[][] attention(double[] qkv, Shape s) {
        int hs = s.c / s.h;
        double[] out = new double[s.outSize()];
        double[] probs = new double[s.probsSize()];
        for (int b = 0; b < s.b; b++) {
            for (int h = 0; h < s.h; h++) {
                for (int i = 0; i < s.t; i++) {
                    int keys = s.causal ? i + 1 : s.t;
                    double[] scores = new double[keys];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        for (int d = 0; d < hs; d++) {
                            scores[j] += qkv[(b * s.t + i) * 3 * s.c + h * hs + d]
                                    * qkv[(b * s.t + j) * 3 * s.c + s.c + h * hs + d];
                        }
                        scores[j] /= Math.sqrt(hs);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < keys; j++) {
                        sum += Math.exp(scores[j] - max);
                    }
                    for (int j = 0; j < keys; j++) {
                        double p = Math.exp(scores[j] - max) / sum;
                        probs[((b * s.h + h) * s.t + i) * s.t + j] = p;
                        for (int d = 0; d < hs; d++) {
                            out[(b * s.t + i) * s.c + h * hs + d] += p * qkv[(b * s.t + j) * 3 * s.c + 2 * s.c + h * hs + d];
                        }
                    }
                }
            }
        }
        return new double[][] {out, probs};
    }

    /** y = (x - mean) / sqrt(var + eps) * w + b per row of (ROWS, C), biased variance. */
    private static double[] layerNorm(double[] x, double[] w, double[] bias) {
        double[] y = new double[x.length];
        for (int r = 0; r < ROWS; r++) {
            double mean = 0;
            for (int c = 0; c < C; c++) {
                mean += x[r * C + c] / C;
            }
            double variance = 0;
            for (int c = 0; c < C; c++) {
                variance += (x[r * C + c] - mean) * (x[r * C + c] - mean) / C;
            }
            for (int c = 0; c < C; c++) {
                y[r * C + c] = (x[r * C + c] - mean) / Math.sqrt(variance + EPS) * w[c] + bias[c];
            }
        }
        return y;
    }

    /** The mean and 1/std of each row, as the forward pass saves them. */
    private static void statistics(float[] x, float[] mean, float[] rstd) {
        for (int r = 0; r < ROWS; r++) {
            double m = 0;
            for (int c = 0; c < C; c++) {
                m += x[r * C + c] / (double) C;
            }
            double variance = 0;
            for (int c = 0; c < C; c++) {
                variance += (x[r * C + c] - m) * (x[r * C + c] - m) / C;
            }
            mean[r] = (float) m;
            rstd[r] = (float) (1 / Math.sqrt(variance + EPS));
        }
    }

    private static double logSumExp(float[] x, int base, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            max = Math.max(max, x[base + c]);
        }
        double sum = 0;
        for (int c = 0; c < count; c++) {
            sum += Math.exp(x[base + c] - max);
        }
        return max + Math.log(sum);
    }

    private static double logSumExp(double[] x) {
        double max = Arrays.stream(x).max().orElseThrow();
        return max + Math.log(Arrays.stream(x).map(v -> Math.exp(v - max)).sum());
    }

    /** d f / d x by central differences, perturbing {@code x} in place (and restoring it). */
    private static double[] numericalGradient(double[] x, java.util.function.DoubleSupplier f) {
        double[] gradient = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double original = x[i];
            x[i] = original + STEP;
            double plus = f.getAsDouble();
            x[i] = original - STEP;
            double minus = f.getAsDouble();
            x[i] = original;
            gradient[i] = (plus - minus) / (2 * STEP);
        }
        return gradient;
    }

    private static double dot(float[] weights, double[] values) {
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += weights[i] * values[i];
        }
        return sum;
    }

    private static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
