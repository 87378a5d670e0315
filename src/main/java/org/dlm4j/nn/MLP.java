package org.dlm4j.nn;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/**
 * The transformer's feed-forward part: {@code fc} Linear(C, ratio*C) -> GELU -> {@code proj}
 * Linear(ratio*C, C). {@code proj} writes into the residual stream, so it is initialised with
 * {@link Init#residualStd}.
 */
public final class MLP extends Module {
    private final Linear fc;
    private final Linear proj;

    public MLP(int channels, int ratio, boolean bias, int numLayers, Rng rng) {
        if (ratio <= 0) {
            throw new IllegalArgumentException("MLP ratio must be positive, got " + ratio);
        }
        this.fc = module("fc", new Linear(channels, ratio * channels, bias, rng));
        this.proj = module("proj", new Linear(ratio * channels, channels, bias, rng, Init.residualStd(numLayers)));
    }

    public Tensor forward(Tensor x) {
        Tensor hidden = fc.forward(x).gelu(); // (B, T, ratio*C)
        return proj.forward(hidden);          // (B, T, C)
    }
}
