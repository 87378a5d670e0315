package org.dlm4j.objective;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;

/** Models with known outputs, token windows and a hand-computed cross-entropy for objective tests. */
public final class ObjectiveTestData {
    private ObjectiveTestData() {
    }

    /**
     * A transformer whose logits are {@code logits} (V) at every position, whatever the input:
     * ln_f's gain is 0 and its bias is e_0, so ln_f outputs e_0 everywhere, and column 0 of the
     * head is the wanted logits. The other weights are random (they do not reach the output).
     */
    public static Transformer fixedLogitsModel(float[] logits, int contextLength, boolean causal) {
        int channels = 4;
        TransformerConfig config = new TransformerConfig(logits.length, contextLength, channels, 1, 2, 2, 0f, causal,
                true, false, PositionEncoding.LEARNED);
        Transformer model = new Transformer(config, new Rng(99));
        var p = model.namedParameters();
        Parameter gain = p.get("ln_f.weight");
        java.util.Arrays.fill(gain.data(), 0f);
        Parameter bias = p.get("ln_f.bias");
        java.util.Arrays.fill(bias.data(), 0f);
        bias.data()[0] = 1f;
        float[] head = p.get("head.weight").data(); // (V, C)
        java.util.Arrays.fill(head, 0f);
        for (int v = 0; v < logits.length; v++) {
            head[v * channels] = logits[v];
        }
        return model;
    }

    /** A small random model (weights normal(0, 0.5^2), so the logits depend strongly on the input). */
    static Transformer randomModel(int vocab, int contextLength, boolean causal, float dropout, long seed) {
        TransformerConfig config = new TransformerConfig(vocab, contextLength, 8, 1, 2, 2, dropout, causal, true, false,
                PositionEncoding.LEARNED);
        Transformer model = new Transformer(config, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        for (Parameter p : model.parameters()) {
            float[] data = p.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextGaussian() * 0.5);
            }
        }
        return model;
    }

    /** n tokens uniform in [0, bound). */
    static int[] uniformTokens(int n, int bound, long seed) {
        Rng rng = new Rng(seed);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = rng.nextInt(bound);
        }
        return tokens;
    }

    /** n tokens drawn i.i.d. from the softmax of {@code logits}. */
    static int[] sampleTokens(int n, float[] logits, Rng rng) {
        double[] p = softmax(logits);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int v = 0;
            while (v < p.length - 1 && u >= p[v]) {
                u -= p[v];
                v++;
            }
            tokens[i] = v;
        }
        return tokens;
    }

    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
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

    /** Entropy in nats of the softmax of {@code logits}. */
    public static double entropy(float[] logits) {
        double h = 0;
        for (double p : softmax(logits)) {
            h -= p > 0 ? p * Math.log(p) : 0;
        }
        return h;
    }

    /** -log softmax(logits[row, :])[target], in double, for (N, V) logits. */
    static double crossEntropy(float[] logits, int row, int vocab, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[row * vocab + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[row * vocab + v] - max);
        }
        return max + Math.log(sum) - logits[row * vocab + target];
    }
}
