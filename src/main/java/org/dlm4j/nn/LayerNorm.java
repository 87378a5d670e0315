package org.dlm4j.nn;

import org.dlm4j.tensor.Tensor;

/**
 * LayerNorm over the last axis with eps 1e-5 and biased variance (PyTorch's), gain {@code weight}
 * (C) init 1 and, unless built without one, {@code bias} (C) init 0.
 */
public final class LayerNorm extends Module {
    public static final float EPS = 1e-5f;

    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(int channels, boolean bias) {
        if (channels <= 0) {
            throw new IllegalArgumentException("LayerNorm channels must be positive, got " + channels);
        }
        this.weight = parameter("weight", Parameter.filled(1f, channels));
        this.bias = bias ? parameter("bias", Parameter.filled(0f, channels)) : null;
    }

    public Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, EPS);
    }
}
