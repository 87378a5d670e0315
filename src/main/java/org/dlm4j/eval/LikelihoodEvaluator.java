package org.dlm4j.eval;

import java.util.Arrays;

import org.dlm4j.data.TokenFile;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.objective.MaskedDiffusion;
import org.dlm4j.objective.Objective;

/**
 * The likelihood of a token stream under a trained model, in nats per token (see {@link Estimator}
 * for what each number means and which are comparable with an AR's exact NLL).
 *
 * <p>Windows: the stream is cut into W non-overlapping windows, W = min(whole windows in the stream,
 * ceil(maxTokens / T)), T = contextLength. By default AR reads windows of T+1 tokens with stride T and
 * scores the last T of each (every token after the first is predicted once, with the context inside
 * its window); diffusion scores all T tokens of windows of T tokens with stride T. With
 * {@link LikelihoodOptions#matched()} every estimator reads windows of T tokens and scores positions
 * 1..T-1 of each, every token given the same visible tokens before it: the AR's exact NLL and the
 * diffusion chain rule are then the NLL of the same tokens in the same contexts, like for like.
 *
 * <p>Per window the estimator gives the window's NLL (exact) or K samples of its bound; the result
 * is the mean over windows per token with two standard errors (over windows, and Monte Carlo over
 * samples; see {@link LikelihoodResult}). Mask draws come from {@code new Rng(seed)}, window by
 * window, so the same seed gives the same numbers.
 */
public final class LikelihoodEvaluator {
    private LikelihoodEvaluator() {
    }

    /** Evaluates the first windows of {@code file}; ids must lie inside the model's vocabulary. */
    public static LikelihoodResult evaluate(Transformer model, Objective objective, TokenFile file,
                                            LikelihoodOptions options) {
        int windowLength = model.config().contextLength();
        int extra = objective instanceof MaskedDiffusion || options.matched() ? 0 : 1; // AR's window is T+1 by default
        long available = (file.length() - extra) / windowLength;
        if (available <= 0) {
            throw new IllegalArgumentException("token file " + file.path() + " has " + file.length()
                    + " tokens, fewer than one window of " + (windowLength + extra));
        }
        long windows = Math.min(available, windowCount(options.maxTokens(), windowLength));
        int[] tokens = new int[Math.toIntExact(windows * windowLength + extra)];
        file.read(0, tokens);
        requireInVocabulary(tokens, model.config().vocabSize(), "token file " + file.path());
        return evaluate(model, objective, tokens, options);
    }

    /** Evaluates the first windows of a token stream held in memory. */
    public static LikelihoodResult evaluate(Transformer model, Objective objective, int[] tokens,
                                            LikelihoodOptions options) {
        Estimator estimator = options.estimator() == null ? Estimator.defaultFor(objective) : options.estimator();
        estimator.requireValidFor(objective);
        requireCausalMatches(model, objective);
        requireInVocabulary(tokens, model.config().vocabSize(), "the token stream");
        int windowLength = model.config().contextLength();
        int extra = estimator == Estimator.EXACT && !options.matched() ? 1 : 0;
        int from = options.matched() ? 1 : estimator == Estimator.EXACT ? 1 : 0; // first scored position
        int scored = windowLength + extra - from;                                  // scored tokens per window
        long available = (tokens.length - extra) / windowLength;
        if (available <= 0) {
            throw new IllegalArgumentException(tokens.length + " tokens are fewer than one window of "
                    + (windowLength + extra));
        }
        int windows = (int) Math.min(available, windowCount(options.maxTokens(), windowLength));
        int samples = estimator.monteCarlo() ? options.samples() : 1;
        int maskId = objective instanceof MaskedDiffusion diffusion ? diffusion.maskId() : -1;
        Rng rng = new Rng(options.seed());

        double[] perWindow = new double[windows];   // nats per token of each window (mean over its samples)
        double monteCarloVariance = 0;              // sum_w s_w^2 / K' in nats^2 per window
        int effectiveSamples = options.antithetic() ? samples / 2 : samples;
        for (int w = 0; w < windows; w++) {
            int[] window = Arrays.copyOfRange(tokens, w * windowLength, (w + 1) * windowLength + extra);
            double[] values = switch (estimator) {
                case EXACT -> new double[] {sum(SpanScorer.autoregressive(model, window, from))};
                case CHAIN_RULE -> new double[] {sum(SpanScorer.chainRule(model, maskId, window, from))};
                case PAPER, LLADA, LLADA_EVAL, MDLM -> SpanScorer.bound(model, maskId, window, from,
                        MaskDraw.draw(estimator, samples, options.antithetic(), scored, rng));
            };
            perWindow[w] = mean(values) / scored;
            if (estimator.monteCarlo()) {
                double[] units = options.antithetic() ? pairMeans(values) : values;
                monteCarloVariance += sampleVariance(units) / effectiveSamples;
            }
        }
        double monteCarloError = !estimator.monteCarlo() ? 0
                : effectiveSamples < 2 ? Double.NaN
                : Math.sqrt(monteCarloVariance) / ((double) windows * scored);
        double standardError = windows < 2 ? Double.NaN : Math.sqrt(sampleVariance(perWindow) / windows);
        return new LikelihoodResult(objective.name(), estimator, samples, estimator.monteCarlo() && options.antithetic(),
                windows, scored, mean(perWindow), standardError, monteCarloError);
    }

    /** ceil(maxTokens / T), at least 1. */
    private static long windowCount(long maxTokens, int windowLength) {
        return Math.max(1, (maxTokens + windowLength - 1) / windowLength);
    }

    static void requireCausalMatches(Transformer model, Objective objective) {
        if (model.config().causal() != objective.causal()) {
            throw new IllegalArgumentException("objective '" + objective.name() + "' needs a "
                    + (objective.causal() ? "causal" : "bidirectional") + " model, the checkpoint's is "
                    + (model.config().causal() ? "causal" : "bidirectional"));
        }
    }

    static void requireInVocabulary(int[] tokens, int vocabSize, String what) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException(what + " has id " + Integer.toUnsignedString(tokens[i])
                        + " at position " + i + ", outside the model's vocabulary [0, " + vocabSize + ")");
            }
        }
    }

    static double sum(double[] values) {
        double total = 0;
        for (double v : values) {
            total += v;
        }
        return total;
    }

    static double mean(double[] values) {
        return sum(values) / values.length;
    }

    /** Unbiased sample variance (divisor n - 1); 0 for a single value. */
    static double sampleVariance(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return squares / (values.length - 1);
    }

    /** The means of consecutive pairs (antithetic partners). */
    private static double[] pairMeans(double[] values) {
        double[] means = new double[values.length / 2];
        for (int j = 0; j < means.length; j++) {
            means[j] = (values[2 * j] + values[2 * j + 1]) / 2;
        }
        return means;
    }
}
