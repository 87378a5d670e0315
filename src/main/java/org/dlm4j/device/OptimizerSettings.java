package org.dlm4j.device;

/**
 * The AdamW and clipping hyper-parameters a device trainer applies, the same as the CPU trainer's
 * ({@code train.AdamWOptimizer}, {@code train.TrainConfig}).
 *
 * @param beta1       decay of the first moment
 * @param beta2       decay of the second moment
 * @param eps         added to the bias-corrected sqrt(v)
 * @param weightDecay decoupled decay per unit learning rate, for parameters that take it
 * @param maxGradNorm clip the global gradient norm to this (0 disables clipping)
 */
public record OptimizerSettings(double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
}
