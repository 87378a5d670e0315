package org.dlm4j.device;

/**
 * What one device step reports back: the loss, the global gradient norm before clipping, and whether
 * the update was applied (it is not when either number is not finite: the NaN guard).
 */
public record StepOutcome(double loss, double gradNorm, boolean applied) {
}
