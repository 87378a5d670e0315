package org.dlm4j.model;

import java.util.List;

import org.dlm4j.nn.Block;

/**
 * The sizes and switches of a GPT-2 style {@link Transformer}, validated on construction.
 *
 * <p>The one switch between the paper's two model families is {@link #causal()}: autoregressive
 * training uses causal attention, masked diffusion uses bidirectional attention; everything else
 * is shared (see {@link #withCausal(boolean)}).
 *
 * <p>Named presets ({@link #preset(String, int)}) give the model sizes used across the project;
 * all presets are causal, without dropout, with biases and an untied head; {@code tiny} and
 * {@code small} use rotary positions, {@code reference} and {@code paper-1b} learned ones.
 *
 * @param vocabSize     V, number of token ids (including special ids such as the mask token)
 * @param contextLength T_max, the longest sequence the model reads (and the learned position table covers)
 * @param dModel        C, the width of the residual stream
 * @param numLayers     number of transformer blocks
 * @param numHeads      H, attention heads per block; dModel must be divisible by it (hs = C / H)
 * @param mlpRatio      hidden width of the MLP as a multiple of C (4 in GPT-2)
 * @param dropout       dropout probability after the embeddings and on both residual branches, in [0, 1)
 * @param causal        causal attention (AR) when true, bidirectional attention (masked diffusion) when false
 * @param bias          biases in every Linear and LayerNorm (GPT-2: true); the head never has one
 * @param tiedHead      the output head reuses token_embedding.weight (no head.weight tensor) when true
 * @param positions     {@link PositionEncoding#LEARNED} (a position_embedding.weight table) or
 *                      {@link PositionEncoding#ROPE} (rotary q and k, no table; needs an even head size);
 *                      null means LEARNED, so configs written before the field existed keep their meaning
 */
public record TransformerConfig(int vocabSize, int contextLength, int dModel, int numLayers, int numHeads,
                                int mlpRatio, float dropout, boolean causal, boolean bias, boolean tiedHead,
                                PositionEncoding positions) {

    /** The vocabulary of the paper's models: GPT-2's 50257 ids padded to a multiple of 64. */
    public static final int PAPER_VOCAB_SIZE = 50304;

    /** The names {@link #preset(String, int)} knows, smallest first. */
    public static final List<String> PRESETS = List.of("tiny", "small", "reference", "paper-1b");

    public TransformerConfig {
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        positive("dModel", dModel);
        positive("numLayers", numLayers);
        positive("numHeads", numHeads);
        positive("mlpRatio", mlpRatio);
        if (dModel % numHeads != 0) {
            throw new IllegalArgumentException("dModel " + dModel + " must be divisible by numHeads " + numHeads);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (positions == null) {
            positions = PositionEncoding.LEARNED;
        }
        if (positions == PositionEncoding.ROPE && (dModel / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size; dModel " + dModel
                    + " / numHeads " + numHeads + " = " + dModel / numHeads);
        }
    }

    /**
     * A named model size with the given vocabulary:
     * <ul>
     *   <li>{@code tiny}: C 64, 2 layers, 4 heads, T 64, rotary positions — trains in minutes on 2 CPU cores;</li>
     *   <li>{@code small}: C 128, 4 layers, 4 heads, T 128, rotary positions;</li>
     *   <li>{@code reference}: C 256, 4 layers, 4 heads, T 128, MLP 4x, learned positions (docs/design.md's
     *       yardstick and PyTorch comparison model, about 3.3M parameters with the byte vocabulary of 258);</li>
     *   <li>{@code paper-1b}: C 2048, 24 layers, 16 heads, T 4096 — the paper's 1B model
     *       (use {@link #PAPER_VOCAB_SIZE}); meant for FLOPs arithmetic, not for a CPU.</li>
     * </ul>
     */
    public static TransformerConfig preset(String name, int vocabSize) {
        return switch (name) {
            case "tiny" -> new TransformerConfig(vocabSize, 64, 64, 2, 4, 4, 0f, true, true, false,
                    PositionEncoding.ROPE);
            case "small" -> new TransformerConfig(vocabSize, 128, 128, 4, 4, 4, 0f, true, true, false,
                    PositionEncoding.ROPE);
            case "reference" -> new TransformerConfig(vocabSize, 128, 256, 4, 4, 4, 0f, true, true, false,
                    PositionEncoding.LEARNED);
            case "paper-1b" -> new TransformerConfig(vocabSize, 4096, 2048, 24, 16, 4, 0f, true, true, false,
                    PositionEncoding.LEARNED);
            case null, default -> throw new IllegalArgumentException(
                    "unknown model preset '" + name + "'; known presets: " + String.join(", ", PRESETS));
        };
    }

    /** hs = C / H, the width of one attention head. */
    public int headSize() {
        return dModel / numHeads;
    }

    /** This config with causal (AR) or bidirectional (masked diffusion) attention. */
    public TransformerConfig withCausal(boolean causal) {
        return new TransformerConfig(vocabSize, contextLength, dModel, numLayers, numHeads, mlpRatio, dropout,
                causal, bias, tiedHead, positions);
    }

    /** This config with another dropout probability. */
    public TransformerConfig withDropout(float dropout) {
        return new TransformerConfig(vocabSize, contextLength, dModel, numLayers, numHeads, mlpRatio, dropout,
                causal, bias, tiedHead, positions);
    }

    /** This config with the head tied to the token embedding or not. */
    public TransformerConfig withTiedHead(boolean tiedHead) {
        return new TransformerConfig(vocabSize, contextLength, dModel, numLayers, numHeads, mlpRatio, dropout,
                causal, bias, tiedHead, positions);
    }

    /** This config with another position encoding. */
    public TransformerConfig withPositions(PositionEncoding positions) {
        return new TransformerConfig(vocabSize, contextLength, dModel, numLayers, numHeads, mlpRatio, dropout,
                causal, bias, tiedHead, positions);
    }

    /** The sizes one {@link Block} needs. */
    public Block.Config blockConfig() {
        return new Block.Config(dModel, numHeads, mlpRatio, causal, positions == PositionEncoding.ROPE, bias,
                dropout, numLayers);
    }

    /**
     * The number of trainable scalars a {@link Transformer} with this config has, counted
     * analytically (so it works for sizes never instantiated, e.g. for FLOPs):
     * <pre>
     *   embeddings  V*C + T*C  (V*C with rotary positions: no position table)
     *   per block   2 LayerNorms (C weights, + C biases) + qkv 3C*C (+3C) + proj C*C (+C)
     *               + fc rC*C (+rC) + proj rC*C (+C)
     *   ln_f        C (+C)
     *   head        V*C unless tied
     * </pre>
     */
    public long numParameters() {
        return numEmbeddingParameters() + numNonEmbeddingParameters();
    }

    /** Token and position tables: V*C + T*C, or V*C with rotary positions. */
    public long numEmbeddingParameters() {
        long c = dModel;
        long positionTable = positions == PositionEncoding.ROPE ? 0 : (long) contextLength * c;
        return (long) vocabSize * c + positionTable;
    }

    /** Everything but the embedding tables: the blocks, ln_f and (when untied) the head. */
    public long numNonEmbeddingParameters() {
        long c = dModel;
        long hidden = (long) mlpRatio * c;
        long layerNorm = bias ? 2 * c : c;
        long attention = 3 * c * c + c * c + (bias ? 3 * c + c : 0);
        long mlp = hidden * c + hidden * c + (bias ? hidden + c : 0);
        long block = 2 * layerNorm + attention + mlp;
        long head = tiedHead ? 0 : (long) vocabSize * c;
        return numLayers * block + layerNorm + head;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
