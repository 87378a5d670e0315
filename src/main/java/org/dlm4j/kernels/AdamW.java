package org.dlm4j.kernels;

import org.dlm4j.exercise.Exercise;

/**
 * One fused AdamW update over flat arrays (Loshchilov and Hutter, "Decoupled Weight Decay
 * Regularization"), in the same order of operations as PyTorch's {@code torch.optim.AdamW}:
 * <pre>
 *   p  = p · (1 − lr·wd)                        decoupled weight decay, applied before the step
 *   m  = β1·m + (1 − β1)·g                      first moment
 *   v  = β2·v + (1 − β2)·g²                     second moment
 *   p  = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 * where t ≥ 1 is the step count, so that the bias corrections {@code 1 − βᵗ} undo the zero start
 * of m and v. The scalars (corrections, step size) are computed in double and rounded to float,
 * by every chunk of the fast path alike, so the bits do not depend on the chunking; the
 * per-element work is float, like the parameters. Hyper-parameters are doubles, as PyTorch's are, so that
 * {@code 1 − β1} for β1 = 0.9 is the float nearest 0.1.
 *
 * <p>{@code param}, {@code m} and {@code v} are updated in place over {@code [offset, offset+count)};
 * {@code grad} is read over the same range. Every element is independent, so the fast variant
 * (the same loop over chunks of the {@link Parallel} pool) is bit-identical to the reference loop.
 */
public final class AdamW {

    /** Below this many elements per chunk the thread hand-off costs more than it saves. */
    private static final int MIN_CHUNK = 1 << 15;

    private AdamW() {
    }

    /** Updates the whole arrays; see {@link #update(float[], float[], float[], float[], int, int, double, double, double, double, double, long)}. */
    public static void update(float[] param, float[] grad, float[] m, float[] v,
                              double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        update(param, grad, m, v, 0, param.length, lr, beta1, beta2, eps, weightDecay, step);
    }

    /** One AdamW step at step count {@code step} (1 for the first update) over {@code [offset, offset+count)}. */
    public static void update(float[] param, float[] grad, float[] m, float[] v, int offset, int count,
                              double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        checkArguments(param, grad, m, v, offset, count, beta1, beta2, step);
        if (KernelMode.fast()) {
            Parallel.forRange(count, MIN_CHUNK, (start, end) -> updateRange(param, grad, m, v, offset + start,
                    offset + end, lr, beta1, beta2, eps, weightDecay, step));
        } else {
            updateRange(param, grad, m, v, offset, offset + count, lr, beta1, beta2, eps, weightDecay, step);
        }
    }

    /**
     * The update of elements {@code [start, end)}, as the class comment gives it. The scalars are
     * computed first, in double, and rounded to float: decay = 1 − lr·wd, β1, 1 − β1, β2, 1 − β2,
     * stepSize = lr / (1 − β1ᵗ), √(1 − β2ᵗ) and ε. Then per element, in float and in this order:
     * p·decay, the new m, the new v, the denominator √v / √(1 − β2ᵗ) + ε, and
     * p − stepSize · m / denominator; m, v and param are written back.
     */
    @Exercise("L06.1")
    static void updateRange(float[] param, float[] grad, float[] m, float[] v, int start, int end, double lr,
                            double beta1, double beta2, double eps, double weightDecay, long step) {
        float decay = (float) (1.0 - lr * weightDecay);
        float b1 = (float) beta1;
        float oneMinusBeta1 = (float) (1.0 - beta1);
        float b2 = (float) beta2;
        float oneMinusBeta2 = (float) (1.0 - beta2);
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float correction2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        float epsilon = (float) eps;
        for (int i = start; i < end; i++) {
            float g = grad[i];
            float p = param[i] * decay;
            float mi = m[i] * b1 + g * oneMinusBeta1;
            float vi = v[i] * b2 + g * g * oneMinusBeta2;
            float denominator = (float) Math.sqrt(vi) / correction2Sqrt + epsilon;
            m[i] = mi;
            v[i] = vi;
            param[i] = p - stepSize * (mi / denominator);
        }
    }

    private static void checkArguments(float[] param, float[] grad, float[] m, float[] v, int offset, int count,
                                       double beta1, double beta2, long step) {
        if (grad.length != param.length || m.length != param.length || v.length != param.length) {
            throw new IllegalArgumentException("AdamW needs param, grad, m and v of one length, got "
                    + param.length + ", " + grad.length + ", " + m.length + ", " + v.length);
        }
        if (offset < 0 || count < 0 || offset > param.length - count) {
            throw new IllegalArgumentException("AdamW range [" + offset + ", " + offset + "+" + count
                    + ") is outside arrays of length " + param.length);
        }
        if (step < 1) {
            throw new IllegalArgumentException("AdamW step count starts at 1, got " + step);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
    }
}
