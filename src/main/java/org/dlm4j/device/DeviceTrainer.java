package org.dlm4j.device;

import org.dlm4j.model.Transformer;
import org.dlm4j.objective.LossInputs;

/**
 * A model and its AdamW state living on a device. Per step only the batch ({@link LossInputs}) and a
 * few scalars go up and only the loss and the gradient norm come back; the weights come back only
 * when asked ({@link #copyTo}), for a checkpoint or an evaluation.
 */
public interface DeviceTrainer extends AutoCloseable {

    /**
     * One training step: forward, backward, the global gradient norm, and, when the loss and the norm
     * are finite, clipping to the settings' maximum and the AdamW update at learning rate {@code lr}
     * (the step count advances). When either is not finite nothing changes on the device.
     */
    StepOutcome step(LossInputs batch, double lr);

    /** The loss of {@code batch} with the current weights, in evaluation mode (no dropout, no update). */
    double loss(LossInputs batch);

    /** Copies the weights into {@code model}'s parameters and the AdamW state into {@code state}'s arrays. */
    void copyTo(Transformer model, OptimizerState state);

    /** AdamW updates applied so far, counting those of the state it was opened with. */
    long stepCount();

    @Override
    void close();
}
