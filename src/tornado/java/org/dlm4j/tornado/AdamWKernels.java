package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Gradient clipping and AdamW in one pass over the flat buffers ({@code org.dlm4j.kernels.AdamW} and
 * {@code AdamWOptimizer.clipGradNorm}'s twin), one work-item per parameter element:
 * <pre>
 *   norm  = sqrt(sum g^2)                          (stats[SUM_OF_SQUARES], from the two-pass reduction)
 *   g     = g * min(1, maxNorm / (norm + 1e-6))    (when maxNorm > 0)
 *   p = p·decay_i,  m = β1 m + (1−β1) g,  v = β2 v + (1−β2) g²,  p = p − stepSize · m / (√v / √(1−β2ᵗ) + ε)
 * </pre>
 * decay_i is 1 − lr·wd for parameters that take weight decay ({@code decays[i]} = 1) and 1 for the
 * rest. The step's scalars are computed on the host in double and rounded to float, as on the CPU,
 * and uploaded every step in {@code scalars} at the indices below.
 *
 * <p>The NaN guard is the host's: this kernel runs in a task graph of its own, launched only after
 * the host has read back a finite loss and norm. (A guard inside the kernel, {@code x - x == 0}, was
 * compiled away under TornadoVM's default {@code -cl-fast-relaxed-math}, which lets the compiler
 * assume there are no NaNs: seen on PoCL, a NaN step then changed the weights; and
 * {@code Float.floatToRawIntBits} is not implemented by TornadoVM 5.2.1.)
 */
public final class AdamWKernels {
    public static final int DECAY = 0;
    public static final int BETA1 = 1;
    public static final int ONE_MINUS_BETA1 = 2;
    public static final int BETA2 = 3;
    public static final int ONE_MINUS_BETA2 = 4;
    public static final int STEP_SIZE = 5;
    public static final int CORRECTION2_SQRT = 6;
    public static final int EPSILON = 7;
    public static final int MAX_NORM = 8;
    /** 1/N, the cross-entropy gradient's scale. */
    public static final int GRAD_SCALE = 9;
    /** The dropout probability of this execution (the model's in training, 0 in evaluation). */
    public static final int DROPOUT = 10;
    public static final int SCALARS = 11;

    /** stats[]: the loss's weighted sum and the gradients' sum of squares, what comes back each step. */
    public static final int LOSS_SUM = 0;
    public static final int SUM_OF_SQUARES = 1;
    public static final int STATS = 2;

    private static final float CLIP_EPS = 1e-6f;

    private AdamWKernels() {
    }

    public static void update(FloatArray params, FloatArray grads, FloatArray m, FloatArray v, FloatArray decays,
                              FloatArray scalars, FloatArray stats, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float norm = TornadoMath.sqrt(stats.get(SUM_OF_SQUARES));
            float g = grads.get(i);
            float maxNorm = scalars.get(MAX_NORM);
            if (maxNorm > 0f) {
                float factor = maxNorm / (norm + CLIP_EPS);
                if (factor < 1f) {
                    g = g * factor;
                }
            }
            float decay = decays.get(i) == 1f ? scalars.get(DECAY) : 1f;
            float p = params.get(i) * decay;
            float mi = m.get(i) * scalars.get(BETA1) + g * scalars.get(ONE_MINUS_BETA1);
            float vi = v.get(i) * scalars.get(BETA2) + g * g * scalars.get(ONE_MINUS_BETA2);
            float denominator = TornadoMath.sqrt(vi) / scalars.get(CORRECTION2_SQRT) + scalars.get(EPSILON);
            m.set(i, mi);
            v.set(i, vi);
            params.set(i, p - scalars.get(STEP_SIZE) * (mi / denominator));
        }
    }
}
