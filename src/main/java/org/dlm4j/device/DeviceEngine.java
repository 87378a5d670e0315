package org.dlm4j.device;

import org.dlm4j.model.Transformer;

/**
 * A way to run training steps somewhere else than the core's CPU kernels (a GPU, or an OpenCL CPU
 * device). Implementations are found by {@link Devices} through {@link java.util.ServiceLoader}; each
 * names itself ({@link #name()}) as the {@code --device} value that selects it.
 */
public interface DeviceEngine {

    /** The {@code --device} value of this engine, e.g. {@code tornado}. */
    String name();

    /** Why this engine cannot run on this machine (no runtime, no device), in one line; null when it can. */
    String unavailableReason();

    /** The device this engine would run on, in words (for logs and benchmark reports). */
    String deviceDescription();

    /** The device's peak fp32 FLOP/s when known (for model FLOPs utilisation), else NaN. */
    double peakFlopsPerSecond();

    /**
     * Uploads {@code model}'s parameters and the AdamW state to the device, once, and returns a trainer
     * that keeps them there. {@code state} supplies the moments and the step count (zeros and 0 for a new run).
     */
    DeviceTrainer open(Transformer model, OptimizerState state, OptimizerSettings settings);
}
