package org.dlm4j.eval;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.model.TransformerConfig;

/**
 * Analytic FLOP counts of a {@link TransformerConfig}'s matrix products, in training and in
 * generation. A multiply-add is 2 FLOPs. Notation: C = dModel, L = numLayers, r = mlpRatio,
 * V = vocabSize, T the sequence length.
 *
 * <p><b>Forward, per token</b> (the linear layers, each 2·in·out per token):
 * <pre>
 *   qkv 2·C·3C + proj 2·C·C + fc 2·C·rC + mlp.proj 2·rC·C = (8 + 4r)·C²   per layer
 *   head 2·C·V
 *   linear(T) = T · (L·(8 + 4r)·C² + 2·C·V) = 2·N·T,   N = L·(4 + 2r)·C² + V·C
 * </pre>
 * N is the number of weights that multiply activations (blocks' Linear weights and the head; the
 * embedding tables are lookups, biases and LayerNorm gains are adds).
 *
 * <p><b>Attention</b>, per layer: the scores q·kᵀ and the weighted sum p·v each cost 2·hs per
 * (query, key) pair per head, so 4·C per pair over the H heads. The pairs visited are
 * <pre>
 *   causal (AR):             T(T+1)/2      (key j ≤ query i)
 *   bidirectional (DLM):     T²
 *   attention(T) = 4·C·L·pairs(T)
 * </pre>
 * <b>Forward of a sequence</b>: linear(T) + attention(T). <b>Training step</b>: 3 × forward, since
 * the backward pass costs twice the forward: each Linear computes dX = dY·W and dW = dYᵀ·X (two
 * products of the forward's size), attention computes dv, dp, dq, dk (four products against the
 * forward's two). Per token that is 6·N + 12·C·L·pairs(T)/T: the paper's ~6N for both objectives,
 * plus an attention term (~6·C·L·T causal, ~12·C·L·T bidirectional).
 *
 * <p><b>AR generation with a KV cache</b> (what {@code org.dlm4j.sample.KvCacheDecoder} does): the
 * prompt of P' = max(P, 1) tokens (an empty prompt starts from one end-of-text token) is read in one
 * pass, then each generated token but the last is read as one new position attending to all cached
 * ones. n = P' + G - 1 positions are read once each; position t attends t+1 keys; the head runs only
 * where a token is drawn (G times):
 * <pre>
 *   AR(P, G) = n·L·(8 + 4r)·C² + G·2·C·V + 4·C·L·n(n+1)/2
 * </pre>
 * <b>Diffusion generation</b> (no cache: every step is a full bidirectional forward over prompt and
 * generated positions, head on every position):
 * <pre>
 *   DLM(P, G, S) = S · (linear(P + G) + 4·C·L·(P + G)²)
 * </pre>
 * With S = G steps the ratio DLM/AR is about G (each generated token costs a whole forward pass
 * instead of one position), growing above G as attention's (P+G)² term takes over at long lengths.
 *
 * <p>Not counted, here and in {@code FlopCounter}: embeddings, LayerNorm, GELU, softmax, scaling, bias
 * and residual adds, rotary position embeddings (elementwise rotations of q and k), dropout,
 * cross-entropy and the optimizer: O(T·C) per layer against the products' O(T·C²).
 */
public final class Flops {
    private Flops() {
    }

    /** N = L·(4 + 2r)·C² + V·C (the head counted even when tied: it is still a product). */
    public static long matmulParameters(TransformerConfig config) {
        long c = config.dModel();
        return config.numLayers() * (4L + 2L * config.mlpRatio()) * c * c + (long) config.vocabSize() * c;
    }

    /** The blocks' linear layers for one token: L·(8 + 4r)·C². */
    public static long blockLinearPerToken(TransformerConfig config) {
        long c = config.dModel();
        return config.numLayers() * (8L + 4L * config.mlpRatio()) * c * c;
    }

    /** The head for one token: 2·C·V. */
    public static long headPerToken(TransformerConfig config) {
        return 2L * config.dModel() * config.vocabSize();
    }

    /** The (query, key) pairs attention visits in a sequence of {@code time}: T(T+1)/2 causal, T² not. */
    public static long attentionPairs(long time, boolean causal) {
        return causal ? time * (time + 1) / 2 : time * time;
    }

    /** Attention of one sequence in all layers, forward: 4·C·L·pairs. */
    public static long attention(TransformerConfig config, long pairs) {
        return Math.multiplyExact(4L * config.dModel() * config.numLayers(), pairs);
    }

    /** Forward of {@code batch} sequences of {@code time} tokens with the config's attention: B·(2·N·T + attention(T)). */
    public static long forward(TransformerConfig config, int batch, int time) {
        checkLength("sequence length", time, config);
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        long perSequence = time * (blockLinearPerToken(config) + headPerToken(config))
                + attention(config, attentionPairs(time, config.causal()));
        return Math.multiplyExact(perSequence, (long) batch);
    }

    /** One training step (forward and backward) on B×T tokens: 3 × {@link #forward}. */
    public static long trainingStep(TransformerConfig config, int batch, int time) {
        return 3 * forward(config, batch, time);
    }

    /** Training FLOPs per token at sequence length T: 6·N + 12·C·L·pairs(T)/T. */
    public static double trainingPerToken(TransformerConfig config, int time) {
        return trainingStep(config, 1, time) / (double) time;
    }

    /**
     * AR generation of G tokens after a prompt of P with a KV cache (see the class comment): after the
     * arguments are checked, n = max(P, 1) + G - 1 positions are read, each through every block's
     * linear layers; the head runs G times; and attention visits the causal pairs of n positions:
     * {@code n·blockLinearPerToken + G·headPerToken + attention(attentionPairs(n, causal))}.
     */
    @Exercise("L10.4")
    public static long arGeneration(TransformerConfig config, int promptLength, int genLength) {
        checkGeneration(config, promptLength, genLength);
        long read = Math.max(promptLength, 1) + (long) genLength - 1;
        return read * blockLinearPerToken(config) + genLength * headPerToken(config)
                + attention(config, attentionPairs(read, true));
    }

    /** Diffusion generation of G tokens after a prompt of P in S steps, no cache (see the class comment). */
    public static long diffusionGeneration(TransformerConfig config, int promptLength, int genLength, int steps) {
        checkGeneration(config, promptLength, genLength);
        if (steps <= 0 || steps > genLength) {
            throw new IllegalArgumentException("steps must be in [1, " + genLength + "] (at least one position per step),"
                    + " got " + steps);
        }
        long time = (long) promptLength + genLength;
        long perStep = time * (blockLinearPerToken(config) + headPerToken(config))
                + attention(config, attentionPairs(time, false));
        return Math.multiplyExact(perStep, (long) steps);
    }

    private static void checkGeneration(TransformerConfig config, int promptLength, int genLength) {
        if (genLength <= 0) {
            throw new IllegalArgumentException("generation length must be positive, got " + genLength);
        }
        if (promptLength < 0) {
            throw new IllegalArgumentException("prompt length must be >= 0, got " + promptLength);
        }
        if ((long) promptLength + genLength > config.contextLength()) {
            throw new IllegalArgumentException("prompt " + promptLength + " + generation " + genLength
                    + " tokens exceed the model's context of " + config.contextLength());
        }
    }

    private static void checkLength(String what, int time, TransformerConfig config) {
        if (time <= 0 || time > config.contextLength()) {
            throw new IllegalArgumentException(what + " must be in [1, " + config.contextLength() + "], got " + time);
        }
    }
}
