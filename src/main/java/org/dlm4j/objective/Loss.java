package org.dlm4j.objective;

import org.dlm4j.tensor.Tensor;

/**
 * The loss of one batch.
 *
 * @param value  the scalar to call {@code backward()} on (nats per token of the batch)
 * @param tokens the number of tokens in the batch the loss was computed on (B*T, or B*L' with a random
 *               length): what a trainer counts as tokens seen
 */
public record Loss(Tensor value, double tokens) {
    public Loss {
        if (value.size() != 1) {
            throw new IllegalArgumentException("a loss must be a scalar tensor");
        }
    }

    /** The loss as a number. */
    public double item() {
        return value.item();
    }
}
