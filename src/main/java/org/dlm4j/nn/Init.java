package org.dlm4j.nn;

/**
 * GPT-2 initialisation constants: weights normal(0, 0.02); the projections that write into the
 * residual stream (attn.proj, mlp.proj) use 0.02 / sqrt(2 * numLayers), because each layer adds
 * two of them to the stream and the variance of the sum would otherwise grow with depth.
 */
public final class Init {
    public static final float STD = 0.02f;

    private Init() {
    }

    public static float residualStd(int numLayers) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("numLayers must be at least 1, got " + numLayers);
        }
        return STD / (float) Math.sqrt(2.0 * numLayers);
    }
}
