package org.dlm4j.sample;

/**
 * Settings of a {@link DiffusionSampler} run.
 *
 * @param steps       S, the number of denoising steps (model calls); 1 <= S <= the number of masked
 *                    positions, and at least the number of blocks
 * @param remasking   which predictions each step keeps
 * @param blockLength semi-autoregressive blocks of this many masked positions, generated left to
 *                    right; 0 for one block holding every masked position
 * @param sampling    how each masked position's token is drawn from its logits (greedy by default)
 */
public record DiffusionOptions(int steps, Remasking remasking, int blockLength, SamplingOptions sampling) {

    public DiffusionOptions {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        if (blockLength < 0) {
            throw new IllegalArgumentException("block length must be >= 0 (0 = one block), got " + blockLength);
        }
        if (remasking == null || sampling == null) {
            throw new IllegalArgumentException("remasking and sampling options are required");
        }
    }

    /** S steps, low-confidence remasking, one block, greedy predictions. */
    public static DiffusionOptions of(int steps) {
        return new DiffusionOptions(steps, Remasking.LOW_CONFIDENCE, 0, SamplingOptions.GREEDY);
    }

    public DiffusionOptions withRemasking(Remasking value) {
        return new DiffusionOptions(steps, value, blockLength, sampling);
    }

    public DiffusionOptions withBlockLength(int value) {
        return new DiffusionOptions(steps, remasking, value, sampling);
    }

    public DiffusionOptions withSampling(SamplingOptions value) {
        return new DiffusionOptions(steps, remasking, blockLength, value);
    }
}
