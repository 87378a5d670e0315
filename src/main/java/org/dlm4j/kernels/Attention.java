package org.dlm4j.kernels;

import org.dlm4j.exercise.Exercise;

/**
 * Multi-head scaled-dot-product attention, reading q, k, v straight from the output of the qkv
 * projection.
 *
 * <p>Layout: {@code qkv} is (B, T, 3C) with the last axis split as [q | k | v], each C = H * hs
 * wide, head h using channels [h*hs, (h+1)*hs) of each part (PyTorch's
 * {@code q, k, v = qkv.split(C, dim=2)} then {@code view(B, T, H, hs)}). The output is (B, T, C)
 * with the heads concatenated in the same channel order, ready for the output projection.
 * {@code probs} (B, H, T, T) saves the softmax for backward; masked entries are exactly 0.
 * <pre>
 *   s_ij = q_i · k_j / sqrt(hs)     (j > i masked out when causal)
 *   p_ij = softmax_j(s_ij)
 *   o_i  = sum_j p_ij v_j
 * backward:
 *   dv_j += sum_i p_ij do_i,   dp_ij = do_i · v_j,   ds_ij = p_ij (dp_ij - sum_j' p_ij' dp_ij')
 *   dq_i += sum_j ds_ij k_j / sqrt(hs),   dk_j += sum_i ds_ij q_i / sqrt(hs)
 * </pre>
 * Each (batch, head) pair is independent and writes disjoint slices. The reference loops
 * ({@link #referenceForward}, {@link #referenceBackward}) are the definition; fast mode runs
 * {@link FastAttention} (blocked small matrix products per pair, pairs in parallel, masked blocks
 * skipped), bit-identical for any thread count.
 */
public final class Attention {
    private Attention() {
    }

    public static void forward(float[] qkv, float[] out, float[] probs, int batch, int time,
                               int channels, int numHeads, boolean causal) {
        checkHeads(channels, numHeads);
        FlopCounter.attention(2, batch, time, channels, causal);
        if (KernelMode.fast()) {
            FastAttention.forward(qkv, out, probs, batch, time, channels, numHeads, causal);
        } else {
            referenceForward(qkv, out, probs, batch, time, channels, numHeads, causal);
        }
    }

    /** Adds the gradient with respect to {@code qkv} into {@code dqkv} (B, T, 3C). */
    public static void backward(float[] dout, float[] qkv, float[] probs, float[] dqkv, int batch,
                                int time, int channels, int numHeads, boolean causal) {
        checkHeads(channels, numHeads);
        FlopCounter.attention(4, batch, time, channels, causal);
        if (KernelMode.fast()) {
            FastAttention.backward(dout, qkv, probs, dqkv, batch, time, channels, numHeads, causal);
        } else {
            referenceBackward(dout, qkv, probs, dqkv, batch, time, channels, numHeads, causal);
        }
    }

    /**
     * The reference loops of {@link #forward}. For every batch entry b, head h (hs = C / H) and query
     * row i, with q_i = {@code qkv[(b*T + i)*3C + h*hs ..]} and k_j, v_j at offsets C and 2C of row j:
     * <pre>
     *   s_j  = q_i · k_j / sqrt(hs)                     for j = 0..T-1, or only j = 0..i when causal
     *   p_ij = exp(s_j - max s) / sum exp(s - max s)     stored at probs[((b*H + h)*T + i)*T + j]
     *                                                    ({@link Softmax#forwardRow}); masked entries exactly 0
     *   o_i  = sum_j p_ij v_j                            written to out[(b*T + i)*C + h*hs ..]
     * </pre>
     * Dot products and sums run in float with the index ascending; exponentials in double, rounded to float.
     */
    @Exercise("L04.3")
    static void referenceForward(float[] qkv, float[] out, float[] probs, int batch, int time, int channels,
                                 int numHeads, boolean causal) {
        int headSize = channels / numHeads;
        float scale = 1f / (float) Math.sqrt(headSize);
        int row3 = 3 * channels;
        for (int bh = 0; bh < batch * numHeads; bh++) {
            int b = bh / numHeads;
            int h = bh % numHeads;
            int probsBase = bh * time * time;
            for (int i = 0; i < time; i++) {
                int q = (b * time + i) * row3 + h * headSize;
                int keys = causal ? i + 1 : time;
                int pRow = probsBase + i * time;
                for (int j = 0; j < keys; j++) {
                    int k = (b * time + j) * row3 + channels + h * headSize;
                    float dot = 0f;
                    for (int d = 0; d < headSize; d++) {
                        dot += qkv[q + d] * qkv[k + d];
                    }
                    probs[pRow + j] = dot * scale;
                }
                Softmax.forwardRow(probs, probs, pRow, keys);             // the visible keys, in place
                for (int j = keys; j < time; j++) {
                    probs[pRow + j] = 0f;                                  // masked: exactly 0
                }
                int o = (b * time + i) * channels + h * headSize;
                for (int d = 0; d < headSize; d++) {
                    out[o + d] = 0f;
                }
                for (int j = 0; j < keys; j++) {
                    int v = (b * time + j) * row3 + 2 * channels + h * headSize;
                    float p = probs[pRow + j];
                    for (int d = 0; d < headSize; d++) {
                        out[o + d] += p * qkv[v + d];
                    }
                }
            }
        }
    }

    /**
     * The reference loops of {@link #backward}, from the saved probabilities. Per (b, h) and query row
     * i, with dO_i the gradient of o_i and the keys j that row i attends to:
     * <pre>
     *   dv_j  += p_ij dO_i                  dp_ij = dO_i · v_j
     *   ds_ij  = p_ij (dp_ij - sum_j' p_ij' dp_ij')          (the softmax backward)
     *   dq_i  += sum_j ds_ij k_j / sqrt(hs)      dk_j += ds_ij q_i / sqrt(hs)
     * </pre>
     * All added into {@code dqkv} (B, T, 3C) at the positions q, k and v were read from; never overwritten.
     */
    @Exercise("L04.4")
    static void referenceBackward(float[] dout, float[] qkv, float[] probs, float[] dqkv, int batch, int time,
                                  int channels, int numHeads, boolean causal) {
        int headSize = channels / numHeads;
        float scale = 1f / (float) Math.sqrt(headSize);
        int row3 = 3 * channels;
        float[] dp = new float[time];
        for (int bh = 0; bh < batch * numHeads; bh++) {
            int b = bh / numHeads;
            int h = bh % numHeads;
            int probsBase = bh * time * time;
            for (int i = 0; i < time; i++) {
                int q = (b * time + i) * row3 + h * headSize;
                int o = (b * time + i) * channels + h * headSize;
                int keys = causal ? i + 1 : time;
                int pRow = probsBase + i * time;
                float weighted = 0f;
                for (int j = 0; j < keys; j++) {
                    int v = (b * time + j) * row3 + 2 * channels + h * headSize;
                    float p = probs[pRow + j];
                    float dot = 0f;
                    for (int d = 0; d < headSize; d++) {
                        dot += dout[o + d] * qkv[v + d];
                        dqkv[v + d] += p * dout[o + d];
                    }
                    dp[j] = dot;
                    weighted += p * dot;
                }
                for (int j = 0; j < keys; j++) {
                    int k = (b * time + j) * row3 + channels + h * headSize;
                    float ds = probs[pRow + j] * (dp[j] - weighted) * scale;
                    for (int d = 0; d < headSize; d++) {
                        dqkv[q + d] += ds * qkv[k + d];
                        dqkv[k + d] += ds * qkv[q + d];
                    }
                }
            }
        }
    }

    private static void checkHeads(int channels, int numHeads) {
        if (numHeads <= 0 || channels % numHeads != 0) {
            throw new IllegalArgumentException("channels " + channels + " must be a positive multiple of numHeads "
                    + numHeads);
        }
    }
}
