package org.dlm4j.eval;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.objective.ObjectiveTestData;

/**
 * The fixed-distribution model of the likelihood known-answer tests: a real {@link Transformer}
 * whose logits are the same vector z at every position whatever the input, so it predicts
 * p = softmax(z) (built by {@link ObjectiveTestData#fixedLogitsModel}; in evaluation mode).
 */
final class FixedDistributionModel {
    private FixedDistributionModel() {
    }

    static Transformer of(float[] logits, int contextLength, boolean causal) {
        Transformer model = ObjectiveTestData.fixedLogitsModel(logits, contextLength, causal);
        model.train(false);
        return model;
    }

    /** p = softmax(z) in double. */
    static double[] probabilities(float[] logits) {
        return ObjectiveTestData.softmax(logits);
    }

    /** H(p) = -sum p log p over the ids with p > 0, nats. */
    static double entropy(double[] p) {
        double h = 0;
        for (double q : p) {
            if (q > 0) {
                h -= q * Math.log(q);
            }
        }
        return h;
    }

    /** n i.i.d. draws from p (inverse CDF). */
    static int[] sample(double[] p, int n, Rng rng) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int v = 0;
            double cumulative = p[0];
            while (u >= cumulative && v < p.length - 1) {
                cumulative += p[++v];
            }
            tokens[i] = v;
        }
        return tokens;
    }

    /** The empirical NLL per token of {@code tokens[from, to)} under p. */
    static double empiricalNll(double[] p, int[] tokens, int from, int to) {
        double total = 0;
        for (int i = from; i < to; i++) {
            total -= Math.log(p[tokens[i]]);
        }
        return total / (to - from);
    }
}
