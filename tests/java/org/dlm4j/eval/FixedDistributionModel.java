package org.dlm4j.eval;

import java.util.Arrays;
import java.util.Map;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;

/**
 * A real {@link Transformer} whose logits are the same vector z at every position whatever the input,
 * so it predicts a fixed distribution p = softmax(z): every weight is zero except ln_f.bias = e_0
 * (channel 0 is 1) and head.weight[:, 0] = z. With ln_f.weight = 0 the final LayerNorm outputs its
 * bias whatever the residual stream holds, and head(e_0) = z. (The head has no bias of its own.)
 */
final class FixedDistributionModel {
    private FixedDistributionModel() {
    }

    static Transformer of(float[] logits, int contextLength, boolean causal) {
        var config = new TransformerConfig(logits.length, contextLength, 8, 1, 2, 2, 0f, causal, true, false,
                PositionEncoding.LEARNED);
        var model = new Transformer(config, new Rng(1));
        Map<String, Parameter> parameters = model.namedParameters();
        for (Parameter p : parameters.values()) {
            Arrays.fill(p.data(), 0f);
        }
        parameters.get("ln_f.bias").data()[0] = 1f;
        float[] head = parameters.get("head.weight").data();               // (V, C)
        for (int v = 0; v < logits.length; v++) {
            head[v * config.dModel()] = logits[v];
        }
        model.train(false);
        return model;
    }

    /** p = softmax(z) in double. */
    static double[] probabilities(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int v = 0; v < logits.length; v++) {
            p[v] = Math.exp(logits[v] - max);
            sum += p[v];
        }
        for (int v = 0; v < logits.length; v++) {
            p[v] /= sum;
        }
        return p;
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
