package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The few floats that go up with every step ({@link AdamWKernels}'s indices): AdamW's scalars computed
 * in double and rounded to float exactly as {@code org.dlm4j.kernels.AdamW.updateRange} computes them,
 * the clipping threshold, the cross-entropy gradient's scale 1/N and the dropout probability.
 */
public final class StepScalars {
    private StepScalars() {
    }

    /** New scalars for one AdamW step (step count {@code step} &ge; 1); see {@link #fill}. */
    public static FloatArray adamW(double lr, double beta1, double beta2, double eps, double weightDecay, long step,
                                   double maxNorm, float normaliser) {
        FloatArray scalars = new FloatArray(AdamWKernels.SCALARS);
        fill(scalars, lr, beta1, beta2, eps, weightDecay, step, maxNorm, normaliser);
        return scalars;
    }

    /** Writes the step's scalars (dropout is set apart, {@link #dropout}). */
    public static void fill(FloatArray scalars, double lr, double beta1, double beta2, double eps, double weightDecay,
                            long step, double maxNorm, float normaliser) {
        scalars.set(AdamWKernels.DECAY, (float) (1.0 - lr * weightDecay));
        scalars.set(AdamWKernels.BETA1, (float) beta1);
        scalars.set(AdamWKernels.ONE_MINUS_BETA1, (float) (1.0 - beta1));
        scalars.set(AdamWKernels.BETA2, (float) beta2);
        scalars.set(AdamWKernels.ONE_MINUS_BETA2, (float) (1.0 - beta2));
        scalars.set(AdamWKernels.STEP_SIZE, (float) (lr / (1.0 - Math.pow(beta1, step))));
        scalars.set(AdamWKernels.CORRECTION2_SQRT, (float) Math.sqrt(1.0 - Math.pow(beta2, step)));
        scalars.set(AdamWKernels.EPSILON, (float) eps);
        scalars.set(AdamWKernels.MAX_NORM, (float) maxNorm);
        scalars.set(AdamWKernels.GRAD_SCALE, 1f / normaliser);
    }

    /** Sets the dropout probability of the next execution. */
    public static void dropout(FloatArray scalars, float p) {
        scalars.set(AdamWKernels.DROPOUT, p);
    }
}
