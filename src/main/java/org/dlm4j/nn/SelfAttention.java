package org.dlm4j.nn;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/**
 * Multi-head self-attention: {@code qkv} Linear(C, 3C), with {@code rope} the rotary position
 * embedding of q and k ({@link Tensor#rope}, positions 0..T-1; hs must then be even), the fused
 * attention op (q, k, v split in that order from the last axis, head h on channels
 * [h*hs, (h+1)*hs), scores scaled by 1/sqrt(hs), keys j > i masked when {@code causal}), then
 * {@code proj} Linear(C, C), initialised with {@link Init#residualStd}. Dropout on the output is
 * applied by {@link Block}.
 */
public final class SelfAttention extends Module {
    private final Linear qkv;
    private final Linear proj;
    private final int numHeads;
    private final boolean causal;
    private final boolean rope;

    public SelfAttention(int channels, int numHeads, boolean causal, boolean rope, boolean bias, int numLayers,
                         Rng rng) {
        if (numHeads <= 0 || channels % numHeads != 0) {
            throw new IllegalArgumentException("channels " + channels + " must be divisible by numHeads " + numHeads);
        }
        if (rope && (channels / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, got " + channels / numHeads);
        }
        this.numHeads = numHeads;
        this.causal = causal;
        this.rope = rope;
        this.qkv = module("qkv", new Linear(channels, 3 * channels, bias, rng));
        this.proj = module("proj", new Linear(channels, channels, bias, rng, Init.residualStd(numLayers)));
    }

    /**
     * x (B, T, C) -> (B, T, C): the qkv projection (B, T, 3C); with {@link #rope()} q and k rotated for
     * positions 0..T-1 ({@link Tensor#rope}); the fused attention over {@link #numHeads()} heads, causal
     * as {@link #causal()} says ({@link Tensor#attention}); then the output projection.
     */
    @Exercise("L05.2")
    public Tensor forward(Tensor x) {
        Tensor projected = qkv.forward(x);                        // (B, T, 3C)
        if (rope) {
            projected = projected.rope(numHeads, 0);              // (B, T, 3C), q and k rotated
        }
        Tensor heads = projected.attention(numHeads, causal);     // (B, T, C), heads concatenated
        return proj.forward(heads);                               // (B, T, C)
    }

    public boolean causal() {
        return causal;
    }

    /** Whether q and k are rotated by position (rotary position embedding). */
    public boolean rope() {
        return rope;
    }

    public int numHeads() {
        return numHeads;
    }
}
