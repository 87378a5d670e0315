package org.dlm4j.nn;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/**
 * A trainable leaf tensor: it always requires a gradient, and an optimizer updates its
 * {@link #data()} in place. Its name is the dotted path under which a {@link Module} registers it
 * (see {@link Module#namedParameters()}), which is also its tensor name in a checkpoint.
 *
 * <p>{@link #weightDecay()} follows the GPT-2/nanoGPT rule: matrices (rank >= 2: linear and
 * embedding weights) are decayed; vectors (biases, LayerNorm gains) are not.
 */
public final class Parameter extends Tensor {

    public Parameter(float[] data, int... shape) {
        super(data, shape);
        requiresGrad(true);
    }

    /** Entries normal(0, std^2) drawn from {@code rng} in row-major order. */
    public static Parameter normal(Rng rng, float std, int... shape) {
        return new Parameter(Tensor.randn(rng, std, shape).data(), shape);
    }

    /** Every entry equal to {@code value}. */
    public static Parameter filled(float value, int... shape) {
        float[] data = Tensor.zeros(shape).data();
        Arrays.fill(data, value);
        return new Parameter(data, shape);
    }

    /** Whether AdamW should apply weight decay to this parameter (rank >= 2). */
    public boolean weightDecay() {
        return rank() >= 2;
    }
}
