package org.dlm4j.sample;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;

/**
 * Draws one token id from a row of logits.
 * <pre>
 *   greedy (temperature 0):  argmax_v z_v                      (lowest id on ties, no random draw)
 *   otherwise:               p_v = softmax(z / temperature)_v
 *                            top-k: keep the k largest p_v; top-p: keep the shortest prefix of the
 *                            p-sorted list whose mass reaches p; renormalise; draw u ~ U(0,1) (one
 *                            nextDouble) and walk the kept list in descending order until the
 *                            running sum passes u
 * </pre>
 * Sorting is by probability, then by id, so the result depends only on the logits and the rng.
 * An {@code excludedId} (the mask id, which no model is trained to predict) gets probability 0;
 * pass -1 to exclude nothing. A row with a NaN or infinite logit is refused.
 */
public final class TokenSampler {
    private TokenSampler() {
    }

    /** The token drawn from {@code logits[offset .. offset+vocab)} as {@code options} say. */
    public static int sample(float[] logits, int offset, int vocab, int excludedId, SamplingOptions options,
                             Rng rng) {
        if (options.greedy()) {
            return argmax(logits, offset, vocab, excludedId);
        }
        double[] probs = probabilities(logits, offset, vocab, excludedId, options.temperature());
        Integer[] order = new Integer[vocab];
        for (int v = 0; v < vocab; v++) {
            order[v] = v;
        }
        Arrays.sort(order, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a])
                : Integer.compare(a, b));
        int kept = keptCount(probs, order, options);
        double mass = 0;
        for (int i = 0; i < kept; i++) {
            mass += probs[order[i]];
        }
        double u = rng.nextDouble() * mass;
        double running = 0;
        for (int i = 0; i < kept; i++) {
            running += probs[order[i]];
            if (u < running) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    /** argmax over the row, skipping {@code excludedId}; the lowest id wins ties. */
    public static int argmax(float[] logits, int offset, int vocab, int excludedId) {
        requireFinite(logits, offset, vocab);
        int best = -1;
        for (int v = 0; v < vocab; v++) {
            if (v != excludedId && (best < 0 || logits[offset + v] > logits[offset + best])) {
                best = v;
            }
        }
        return best;
    }

    /** softmax(z / temperature) over the row in double precision, {@code excludedId} set to 0. */
    public static double[] probabilities(float[] logits, int offset, int vocab, int excludedId, double temperature) {
        requireFinite(logits, offset, vocab);
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            if (v != excludedId) {
                max = Math.max(max, logits[offset + v] / temperature);
            }
        }
        double[] probs = new double[vocab];
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            if (v != excludedId) {
                probs[v] = Math.exp(logits[offset + v] / temperature - max);
                sum += probs[v];
            }
        }
        for (int v = 0; v < vocab; v++) {
            probs[v] /= sum;
        }
        return probs;
    }

    /** NaN or infinite logits come from weights that overflow; drawing from them would print noise. */
    private static void requireFinite(float[] logits, int offset, int vocab) {
        for (int v = 0; v < vocab; v++) {
            if (!Float.isFinite(logits[offset + v])) {
                throw new IllegalArgumentException("the model's logits are not finite (" + logits[offset + v]
                        + " for token " + v + "): its weights overflow float arithmetic");
            }
        }
    }

    /**
     * How many of the sorted tokens are kept: those with probability > 0, then the first k, then
     * the shortest prefix whose mass, renormalised over the top-k set, reaches p (at least one).
     */
    private static int keptCount(double[] probs, Integer[] order, SamplingOptions options) {
        int kept = 0;
        while (kept < order.length && probs[order[kept]] > 0) {
            kept++;
        }
        if (options.topK() > 0) {
            kept = Math.min(kept, options.topK());
        }
        if (options.topP() < 1) {
            double mass = 0;
            for (int i = 0; i < kept; i++) {
                mass += probs[order[i]];
            }
            double cumulative = 0;
            for (int i = 0; i < kept; i++) {
                cumulative += probs[order[i]];
                if (cumulative >= options.topP() * mass) {
                    return i + 1;
                }
            }
        }
        return Math.max(1, kept);
    }
}
