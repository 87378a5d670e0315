package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Multi-head scaled-dot-product attention on the qkv rows (B*T, 3C) ({@code org.dlm4j.kernels.Attention}'s
 * reference loops):
 * <pre>
 *   s_ij = q_i · k_j / sqrt(hs),   p_ij = softmax_j(s_ij),   o_i = sum_j p_ij v_j
 *   dv_j = sum_i p_ij dO_i,   dp_ij = dO_i · v_j,   ds_ij = p_ij (dp_ij - sum_j' p_ij' dp_ij')
 *   dq_i = sum_j ds_ij k_j / sqrt(hs),   dk_j = sum_i ds_ij q_i / sqrt(hs)
 * </pre>
 * Row i sees keys j &lt; {@code keys(i)}: j &le; i when causal, and never j &ge; the valid length
 * {@code validLength[0]} (a diffusion batch cut to L' &lt; T: the rows past L' are padding). The
 * probabilities (B, H, T, T) are kept for backward; masked entries are exactly 0.
 *
 * <p>Backward runs without atomics in three passes: the row term sum_j p_ij dp_ij per query row;
 * dq per query row; dk and dv per key row (summing over the query rows that see it).
 */
public final class AttentionKernels {
    private AttentionKernels() {
    }

    /** One work-item per (b, h, i): scores, softmax, weighted sum of values. */
    public static void forward(FloatArray qkv, FloatArray out, FloatArray probs, IntArray validLength, int batch,
                               int time, int channels, int numHeads, int causal) {
        for (@Parallel int index = 0; index < batch * numHeads * time; index++) {
            int headSize = channels / numHeads;
            int b = index / (numHeads * time);
            int h = (index / time) % numHeads;
            int i = index % time;
            float scale = 1f / TornadoMath.sqrt((float) headSize);
            int row3 = 3 * channels;
            int q = (b * time + i) * row3 + h * headSize;
            int keys = visibleKeys(i, time, validLength.get(0), causal);
            int pRow = index * time;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < keys; j++) {
                int k = (b * time + j) * row3 + channels + h * headSize;
                float dot = 0f;
                for (int d = 0; d < headSize; d++) {
                    dot = dot + qkv.get(q + d) * qkv.get(k + d);
                }
                float s = dot * scale;
                probs.set(pRow + j, s);
                max = TornadoMath.max(max, s);
            }
            float sum = 0f;
            for (int j = 0; j < keys; j++) {
                float e = TornadoMath.exp(probs.get(pRow + j) - max);
                probs.set(pRow + j, e);
                sum = sum + e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < time; j++) {
                probs.set(pRow + j, j < keys ? probs.get(pRow + j) * inv : 0f);
            }
            int o = (b * time + i) * channels + h * headSize;
            for (int d = 0; d < headSize; d++) {
                float acc = 0f;
                for (int j = 0; j < keys; j++) {
                    acc = acc + probs.get(pRow + j) * qkv.get((b * time + j) * row3 + 2 * channels + h * headSize + d);
                }
                out.set(o + d, acc);
            }
        }
    }

    /** rowTerm[b, h, i] = sum_j p_ij (dO_i · v_j). */
    public static void backwardRowTerm(FloatArray dout, FloatArray qkv, FloatArray probs, FloatArray rowTerm,
                                       IntArray validLength, int batch, int time, int channels, int numHeads,
                                       int causal) {
        for (@Parallel int index = 0; index < batch * numHeads * time; index++) {
            int headSize = channels / numHeads;
            int b = index / (numHeads * time);
            int h = (index / time) % numHeads;
            int i = index % time;
            int o = (b * time + i) * channels + h * headSize;
            int keys = visibleKeys(i, time, validLength.get(0), causal);
            float weighted = 0f;
            for (int j = 0; j < keys; j++) {
                int v = (b * time + j) * 3 * channels + 2 * channels + h * headSize;
                float dot = 0f;
                for (int d = 0; d < headSize; d++) {
                    dot = dot + dout.get(o + d) * qkv.get(v + d);
                }
                weighted = weighted + probs.get(index * time + j) * dot;
            }
            rowTerm.set(index, weighted);
        }
    }

    /** dq_i = sum_j ds_ij k_j / sqrt(hs), one work-item per (b, h, i), written into dqkv's q part. */
    public static void backwardQuery(FloatArray dout, FloatArray qkv, FloatArray probs, FloatArray rowTerm,
                                     FloatArray dqkv, IntArray validLength, int batch, int time, int channels,
                                     int numHeads, int causal) {
        for (@Parallel int index = 0; index < batch * numHeads * time; index++) {
            int headSize = channels / numHeads;
            int b = index / (numHeads * time);
            int h = (index / time) % numHeads;
            int i = index % time;
            float scale = 1f / TornadoMath.sqrt((float) headSize);
            int row3 = 3 * channels;
            int o = (b * time + i) * channels + h * headSize;
            int q = (b * time + i) * row3 + h * headSize;
            int keys = visibleKeys(i, time, validLength.get(0), causal);
            for (int d = 0; d < headSize; d++) {
                dqkv.set(q + d, 0f);
            }
            for (int j = 0; j < keys; j++) {
                int k = (b * time + j) * row3 + channels + h * headSize;
                int v = k + channels;
                float dp = 0f;
                for (int d = 0; d < headSize; d++) {
                    dp = dp + dout.get(o + d) * qkv.get(v + d);
                }
                float ds = probs.get(index * time + j) * (dp - rowTerm.get(index)) * scale;
                for (int d = 0; d < headSize; d++) {
                    dqkv.set(q + d, dqkv.get(q + d) + ds * qkv.get(k + d));
                }
            }
        }
    }

    /** dk_j and dv_j, one work-item per (b, h, j), summing over the query rows i that see key j. */
    public static void backwardKeyValue(FloatArray dout, FloatArray qkv, FloatArray probs, FloatArray rowTerm,
                                        FloatArray dqkv, IntArray validLength, int batch, int time, int channels,
                                        int numHeads, int causal) {
        for (@Parallel int index = 0; index < batch * numHeads * time; index++) {
            int headSize = channels / numHeads;
            int b = index / (numHeads * time);
            int h = (index / time) % numHeads;
            int j = index % time;
            float scale = 1f / TornadoMath.sqrt((float) headSize);
            int row3 = 3 * channels;
            int k = (b * time + j) * row3 + channels + h * headSize;
            int v = k + channels;
            int valid = validLength.get(0);
            for (int d = 0; d < headSize; d++) {
                dqkv.set(k + d, 0f);
                dqkv.set(v + d, 0f);
            }
            int firstRow = causal == 1 ? j : 0;
            for (int i = firstRow; i < time; i++) {
                if (j < visibleKeys(i, time, valid, causal)) {
                    int bhi = (b * numHeads + h) * time + i;
                    int o = (b * time + i) * channels + h * headSize;
                    int q = (b * time + i) * row3 + h * headSize;
                    float p = probs.get(bhi * time + j);
                    float dp = 0f;
                    for (int d = 0; d < headSize; d++) {
                        dp = dp + dout.get(o + d) * qkv.get(v + d);
                    }
                    float ds = p * (dp - rowTerm.get(bhi)) * scale;
                    for (int d = 0; d < headSize; d++) {
                        dqkv.set(v + d, dqkv.get(v + d) + p * dout.get(o + d));
                        dqkv.set(k + d, dqkv.get(k + d) + ds * qkv.get(q + d));
                    }
                }
            }
        }
    }

    /** The keys row i may read: min(i + 1, valid) when causal, else valid (valid is at most T). */
    private static int visibleKeys(int i, int time, int valid, int causal) {
        int limit = valid < time ? valid : time;
        return causal == 1 && i + 1 < limit ? i + 1 : limit;
    }
}
