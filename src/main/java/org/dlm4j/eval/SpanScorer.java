package org.dlm4j.eval;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;

/**
 * Negative log-likelihoods of a span of one token sequence x (n tokens) under a model, the
 * building blocks of every estimator. The span is positions [from, n); the tokens before it are
 * visible context. All methods run in evaluation mode without a graph and compute log-softmax in
 * double precision from the float logits: log p(v) = z_v - max z - log sum_u exp(z_u - max z).
 *
 * <p>Large batches are cut into chunks of at most {@link #MAX_LOGITS} logits (rows x n x V) per
 * forward pass so that a big vocabulary does not exhaust memory; chunking does not change results
 * (rows are independent).
 */
public final class SpanScorer {
    /** The most logits one forward pass may produce (64 Mi floats = 256 MiB). */
    public static final long MAX_LOGITS = 1L << 26;

    private SpanScorer() {
    }

    /**
     * AR: -log p(x_i | x_&lt;i) for i in [from, n) from ONE causal forward pass over x_0..x_{n-2}
     * (through {@code forEachChunk}, which runs the model without a graph in evaluation mode); position
     * i - 1's logits predict x_i, scored with {@link #logProb}. {@code from} must be at least 1 (the first
     * token has no prediction; {@code checkSpan} refuses it).
     */
    @Exercise("L10.1")
    public static double[] autoregressive(Transformer model, int[] tokens, int from) {
        int n = tokens.length;
        checkSpan(n, from, 1);
        int[] inputs = Arrays.copyOf(tokens, n - 1);
        double[] nll = new double[n - from];
        forEachChunk(model, inputs, 1, n - 1, (logits, first, rows) -> {
            int vocab = logits.dim(-1);
            float[] z = logits.data();
            for (int i = from; i < n; i++) {
                nll[i - from] = -logProb(z, (i - 1) * vocab, vocab, tokens[i]);
            }
        });
        return nll;
    }

    /**
     * Diffusion, chain rule: row i of one (L, n) batch shows x_&lt;from+i and masks positions
     * [from+i, n); the result holds -log p(x_{from+i} | x_&lt;from+i, masks) for i = 0..L-1. Their sum
     * is the exact NLL of the span under the model's left-to-right factorisation.
     */
    public static double[] chainRule(Transformer model, int maskId, int[] tokens, int from) {
        return chainRule(model, maskId, tokens, from, tokens.length);
    }

    /**
     * The chain rule's terms for positions [from, to) only: row i of one (to - from, n) batch shows
     * x_&lt;from+i and masks [from+i, n); the result's entry i is -log p(x_{from+i} | x_&lt;from+i, masks),
     * read from row i's logits at position from + i (run through {@code forEachChunk}, scored with
     * {@link #logProb}). Each term depends on the tokens before its position alone (everything after it
     * is masked), so sequences that share tokens [0, to) share these terms exactly. An empty or
     * out-of-range span is refused.
     */
    @Exercise("L10.2")
    public static double[] chainRule(Transformer model, int maskId, int[] tokens, int from, int to) {
        int n = tokens.length;
        checkSpan(n, from, 0);
        if (to <= from || to > n) {
            throw new IllegalArgumentException("span [" + from + ", " + to + ") is empty or past " + n);
        }
        int span = to - from;
        int[] rows = new int[span * n];
        for (int i = 0; i < span; i++) {
            for (int j = 0; j < n; j++) {
                rows[i * n + j] = j < from + i ? tokens[j] : maskId;
            }
        }
        double[] nll = new double[span];
        forEachChunk(model, rows, span, n, (logits, first, count) -> {
            int vocab = logits.dim(-1);
            float[] z = logits.data();
            for (int r = 0; r < count; r++) {
                int i = first + r;
                int position = from + i;
                nll[i] = -logProb(z, ((long) r * n + position) * vocab, vocab, tokens[position]);
            }
        });
        return nll;
    }

    /**
     * Diffusion, Monte Carlo: for each sample k of {@code draw} (masks over the span), the value
     * w_k sum_{i in M_k} -log p(x_{from+i} | x with M_k masked), one (K, n) batch. Each value is an
     * unbiased sample of the estimator's bound on the span's NLL (nats, the whole span).
     */
    public static double[] bound(Transformer model, int maskId, int[] tokens, int from, MaskDraw draw) {
        int n = tokens.length;
        checkSpan(n, from, 0);
        int span = n - from;
        if (draw.length() != span) {
            throw new IllegalArgumentException("mask draw covers " + draw.length() + " positions, the span has " + span);
        }
        int samples = draw.samples();
        boolean[] masked = draw.masked();
        int[] rows = new int[samples * n];
        for (int k = 0; k < samples; k++) {
            for (int j = 0; j < n; j++) {
                boolean hidden = j >= from && masked[k * span + j - from];
                rows[k * n + j] = hidden ? maskId : tokens[j];
            }
        }
        double[] values = new double[samples];
        forEachChunk(model, rows, samples, n, (logits, first, count) -> {
            int vocab = logits.dim(-1);
            float[] z = logits.data();
            for (int r = 0; r < count; r++) {
                int k = first + r;
                double sum = 0;
                for (int i = 0; i < span; i++) {
                    if (masked[k * span + i]) {
                        sum -= logProb(z, ((long) r * n + from + i) * vocab, vocab, tokens[from + i]);
                    }
                }
                values[k] = draw.weights()[k] * sum;
            }
        });
        return values;
    }

    /** log softmax(z[offset .. offset+V))[target], in double. */
    static double logProb(float[] z, long offset, int vocab, int target) {
        int base = Math.toIntExact(offset);
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, z[base + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(z[base + v] - max);
        }
        return z[base + target] - max - Math.log(sum);
    }

    /** What to do with the logits (count, n, V) of rows [first, first+count). */
    @FunctionalInterface
    interface ChunkConsumer {
        void accept(Tensor logits, int first, int count);
    }

    /** Runs {@code rows} (R, n) through the model in chunks, in evaluation mode without a graph. */
    static void forEachChunk(Transformer model, int[] rows, int rowCount, int n, ChunkConsumer consumer) {
        long perRow = (long) n * model.config().vocabSize();
        int chunk = (int) Math.max(1, Math.min(rowCount, MAX_LOGITS / perRow));
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var scope = Tensor.noGrad()) {
            for (int first = 0; first < rowCount; first += chunk) {
                int count = Math.min(chunk, rowCount - first);
                int[] part = Arrays.copyOfRange(rows, first * n, (first + count) * n);
                consumer.accept(model.forward(part, count, n, null), first, count); // (count, n, V)
            }
        } finally {
            model.train(wasTraining);
        }
    }

    private static void checkSpan(int n, int from, int minFrom) {
        if (from < minFrom || from >= n) {
            throw new IllegalArgumentException("span [" + from + ", " + n + ") is empty or starts before position "
                    + minFrom);
        }
    }
}
