package org.dlm4j.eval;

/**
 * Options of {@link LikelihoodEvaluator}.
 *
 * @param estimator  how to compute the likelihood; null picks {@link Estimator#defaultFor} the objective
 * @param samples    K, Monte Carlo samples per window for the bounds (ignored by exact estimators); > 0
 * @param antithetic draw the K samples as K/2 antithetic pairs (t, 1 - t), see {@link MaskDraw}; K even
 * @param seed       seeds the mask draws (the same seed gives the same numbers)
 * @param maxTokens  score at most about this many tokens: ceil(maxTokens / T) windows of T tokens; > 0
 * @param matched    score every estimator on the same tokens with the same visible left context: windows of
 *                   T tokens, positions 1..T-1, each given the window's tokens before it (AR exact and the
 *                   diffusion chain rule then compare like for like). Off: AR scores the last T tokens of
 *                   windows of T+1, diffusion all T tokens of windows of T
 */
public record LikelihoodOptions(Estimator estimator, int samples, boolean antithetic, long seed, long maxTokens,
                                boolean matched) {

    /** Default K for the Monte Carlo bounds. */
    public static final int DEFAULT_SAMPLES = 8;

    /** Default token budget: 16384 tokens (256 windows of 64). */
    public static final long DEFAULT_MAX_TOKENS = 16_384;

    public LikelihoodOptions {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples (K) must be positive, got " + samples);
        }
        if (antithetic && samples % 2 != 0) {
            throw new IllegalArgumentException("antithetic sampling needs an even number of samples, got " + samples);
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max tokens must be positive, got " + maxTokens);
        }
    }

    /** The default estimator, K = {@link #DEFAULT_SAMPLES}, no antithetic pairs, seed 0, the default budget. */
    public static LikelihoodOptions defaults() {
        return new LikelihoodOptions(null, DEFAULT_SAMPLES, false, 0, DEFAULT_MAX_TOKENS, false);
    }

    public LikelihoodOptions withEstimator(Estimator value) {
        return new LikelihoodOptions(value, samples, antithetic, seed, maxTokens, matched);
    }

    public LikelihoodOptions withSamples(int value) {
        return new LikelihoodOptions(estimator, value, antithetic, seed, maxTokens, matched);
    }

    public LikelihoodOptions withAntithetic(boolean value) {
        return new LikelihoodOptions(estimator, samples, value, seed, maxTokens, matched);
    }

    public LikelihoodOptions withSeed(long value) {
        return new LikelihoodOptions(estimator, samples, antithetic, value, maxTokens, matched);
    }

    public LikelihoodOptions withMatched(boolean value) {
        return new LikelihoodOptions(estimator, samples, antithetic, seed, maxTokens, value);
    }

    public LikelihoodOptions withMaxTokens(long value) {
        return new LikelihoodOptions(estimator, samples, antithetic, seed, value, matched);
    }
}
