package org.dlm4j.eval;

/**
 * A likelihood over W windows of T scored tokens each, in nats per token.
 *
 * @param objective       "ar" or "diffusion"
 * @param estimator       how it was computed; {@link #exact()} says whether it is an exact NLL or a bound
 * @param samples         K per window (1 for exact estimators)
 * @param antithetic      whether the K samples were antithetic pairs
 * @param windows         W, the number of windows scored
 * @param windowTokens    scored tokens per window: T (T - 1 with {@link LikelihoodOptions#matched()})
 * @param nllPerToken     mean over windows of (window NLL or bound) / windowTokens, nats per token
 * @param standardError   the standard error of {@code nllPerToken} over WINDOWS: sample standard deviation of
 *                        the W per-window values / sqrt(W). It covers the data's spread and the Monte Carlo
 *                        noise together (NaN when W = 1)
 * @param monteCarloError the Monte Carlo standard error alone, over the K SAMPLES within each window, the
 *                        data held fixed: sqrt(sum_w s_w^2 / K') / (W T), with s_w^2 the sample variance of
 *                        window w's K values (K' = K; with antithetic pairs K' = K/2 and the variance is that
 *                        of the pair means). It shrinks like 1/sqrt(K). With stratified noise levels the sample
 *                        variance ignores the stratification's gain, so this is conservative. 0 for exact
 *                        estimators; NaN when K' &lt; 2
 */
public record LikelihoodResult(String objective, Estimator estimator, int samples, boolean antithetic, int windows,
                               int windowTokens, double nllPerToken, double standardError, double monteCarloError) {

    /** Total scored tokens W * windowTokens. */
    public long tokens() {
        return (long) windows * windowTokens;
    }

    /** Whether this is an exact NLL (AR exact, diffusion chain rule): only those compare like for like. */
    public boolean exact() {
        return !estimator.monteCarlo();
    }

    /** nats / ln 2. */
    public double bitsPerToken() {
        return nllPerToken / Math.log(2);
    }

    /** exp(nats per token); for a bound, an upper bound on the perplexity. */
    public double perplexity() {
        return Math.exp(nllPerToken);
    }
}
