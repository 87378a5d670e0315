package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Softmax cross-entropy with a weight per row ({@code org.dlm4j.kernels.CrossEntropy}'s twin), one
 * work-item per row of logits (rows, V):
 * <pre>
 *   lse_r  = max + log sum_c exp(x_rc - max)
 *   loss_r = w_r (lse_r - x_r,target)                      (summed and divided by N elsewhere)
 *   dx_rc  = (w_r / N) (exp(x_rc - lse_r) - [c = target])   (written; 0 for a row of weight 0)
 * </pre>
 * Rows of weight 0 are skipped, as on the CPU, so padding and unmasked diffusion positions cost
 * nothing and cannot make a NaN. {@code scalars[gradScaleIndex]} holds 1/N, rounded as the CPU rounds it.
 */
public final class CrossEntropyKernels {
    private CrossEntropyKernels() {
    }

    /** weightedLoss[r] = w_r (lse_r - x_r,target); lse kept for backward. */
    public static void forward(FloatArray logits, IntArray targets, FloatArray weights, FloatArray weightedLoss,
                               FloatArray logSumExp, int rows, int vocab) {
        for (@Parallel int r = 0; r < rows; r++) {
            float w = weights.get(r);
            if (w == 0f) {
                weightedLoss.set(r, 0f);
                logSumExp.set(r, 0f);
            } else {
                int base = r * vocab;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < vocab; c++) {
                    max = TornadoMath.max(max, logits.get(base + c));
                }
                float sum = 0f;
                for (int c = 0; c < vocab; c++) {
                    sum = sum + TornadoMath.exp(logits.get(base + c) - max);
                }
                float logSum = TornadoMath.log(sum);
                logSumExp.set(r, max + logSum);
                weightedLoss.set(r, w * ((max - logits.get(base + targets.get(r))) + logSum));
            }
        }
    }

    /** dlogits, written for every element (one work-item per element). */
    public static void backward(FloatArray logits, FloatArray logSumExp, IntArray targets, FloatArray weights,
                                FloatArray scalars, int gradScaleIndex, FloatArray dlogits, int rows, int vocab) {
        for (@Parallel int i = 0; i < rows * vocab; i++) {
            int r = i / vocab;
            int c = i % vocab;
            float w = weights.get(r);
            if (w == 0f) {
                dlogits.set(i, 0f);
            } else {
                float g = scalars.get(gradScaleIndex) * w;
                float value = g * TornadoMath.exp(logits.get(i) - logSumExp.get(r));
                if (c == targets.get(r)) {
                    value = value - g;
                }
                dlogits.set(i, value);
            }
        }
    }
}
