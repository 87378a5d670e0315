package org.dlm4j.nn;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/** A lookup table {@code weight} (numEmbeddings, C), init normal(0, 0.02^2). */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(int numEmbeddings, int channels, Rng rng) {
        if (numEmbeddings <= 0 || channels <= 0) {
            throw new IllegalArgumentException("Embedding sizes must be positive, got " + numEmbeddings + " x " + channels);
        }
        this.weight = parameter("weight", Parameter.normal(rng, Init.STD, numEmbeddings, channels));
    }

    /** Rows for {@code ids}, laid out as {@code idsShape} + (C); no shape means (ids.length, C). */
    public Tensor forward(int[] ids, int... idsShape) {
        return weight.embedding(ids, idsShape);
    }

    public Parameter weight() {
        return weight;
    }
}
