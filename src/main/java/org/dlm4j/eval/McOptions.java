package org.dlm4j.eval;

/**
 * Options of {@link MultipleChoiceEvaluator}.
 *
 * @param estimator  null picks {@link Estimator#defaultFor} the objective; {@link Estimator#CHAIN_RULE} scores
 *                   a diffusion model's endings exactly (one pass per ending token)
 * @param samples    K, Monte Carlo samples per ending for the bounds; > 0
 * @param antithetic draw the K samples as K/2 antithetic pairs (K even), see {@link MaskDraw}
 * @param seed       seeds the mask draws
 * @param differencesOnly exact estimators only: score each ending from its first token that not all endings
 *                   share. The shared tokens add the same NLL to every ending (each term sees only the
 *                   tokens before it), so accuracy and delta NLL are unchanged while the chain rule needs
 *                   about half the passes on endings such as "Now Mia was in the park."; the reported NLLs
 *                   of correct and wrong endings then leave the shared tokens out
 */
public record McOptions(Estimator estimator, int samples, boolean antithetic, long seed, boolean differencesOnly) {

    /** Default K for multiple choice. */
    public static final int DEFAULT_SAMPLES = 8;

    public McOptions {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples (K) must be positive, got " + samples);
        }
        if (antithetic && samples % 2 != 0) {
            throw new IllegalArgumentException("antithetic sampling needs an even number of samples, got " + samples);
        }
    }

    /** The default estimator, K = {@link #DEFAULT_SAMPLES}, no antithetic pairs, seed 0. */
    public static McOptions defaults() {
        return new McOptions(null, DEFAULT_SAMPLES, false, 0, false);
    }

    public McOptions withEstimator(Estimator value) {
        return new McOptions(value, samples, antithetic, seed, differencesOnly);
    }

    public McOptions withSamples(int value) {
        return new McOptions(estimator, value, antithetic, seed, differencesOnly);
    }

    public McOptions withAntithetic(boolean value) {
        return new McOptions(estimator, samples, value, seed, differencesOnly);
    }

    public McOptions withDifferencesOnly(boolean value) {
        return new McOptions(estimator, samples, antithetic, seed, value);
    }

    public McOptions withSeed(long value) {
        return new McOptions(estimator, samples, antithetic, value, differencesOnly);
    }
}
