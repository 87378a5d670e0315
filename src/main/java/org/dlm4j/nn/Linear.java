package org.dlm4j.nn;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/**
 * y = x Wᵀ + b over the last axis, PyTorch's layout: {@code weight} (out, in), {@code bias} (out).
 * Init: weight normal(0, std^2) from the given Rng, bias 0. Without bias there is no
 * {@code bias} parameter at all.
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    /** GPT-2 default init (std 0.02). */
    public Linear(int in, int out, boolean bias, Rng rng) {
        this(in, out, bias, rng, Init.STD);
    }

    public Linear(int in, int out, boolean bias, Rng rng, float std) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear sizes must be positive, got in=" + in + ", out=" + out);
        }
        this.weight = parameter("weight", Parameter.normal(rng, std, out, in));
        this.bias = bias ? parameter("bias", Parameter.filled(0f, out)) : null;
    }

    /**
     * y = x Wᵀ + b over the last axis: (..., in) to (..., out), through the fused {@link Tensor#linear}
     * op (whose backward you wrote in lesson 3); without a bias, y = x Wᵀ.
     */
    @Exercise("L05.1")
    public Tensor forward(Tensor x) {
        return x.linear(weight, bias); // (..., in) -> (..., out)
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Parameter bias() {
        return bias;
    }
}
