package org.dlm4j.kernels;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Rotary position embedding (RoPE) applied to the q and k parts of the attention's fused qkv
 * projection; v passes through unchanged.
 *
 * <p>Layout: as {@link Attention}, {@code qkv} is (B, T, 3C) with the last axis [q | k | v], each
 * C = H * hs wide, head h on channels [h*hs, (h+1)*hs) of each part. The token at row t sits at
 * position {@code positionOffset + t} (offset 0 for a whole sequence; the position of the first new
 * row for a KV-cache decoder).
 *
 * <p>Convention (the checkpoint and PyTorch contract): the GPT-NeoX / LLaMA "rotate_half" form. For a
 * head vector x of size hs, half = hs / 2, and i &lt; half:
 * <pre>
 *   inv_freq_i = base^(-2i / hs),   base = 10000
 *   angle      = pos * inv_freq_i
 *   out[i]        = x[i] cos(angle) - x[i+half] sin(angle)
 *   out[i+half]   = x[i] sin(angle) + x[i+half] cos(angle)
 * backward (the inverse rotation of the gradient):
 *   dx[i]         =  dout[i] cos(angle) + dout[i+half] sin(angle)
 *   dx[i+half]    = -dout[i] sin(angle) + dout[i+half] cos(angle)
 * </pre>
 * i.e. channel i is paired with channel i + half (not with i + 1 as in the interleaved form of the
 * original paper). The angles and their cos/sin are computed in double and rounded once to float.
 * Because a rotation preserves lengths and q_m · k_n depends only on m - n, attention scores see
 * relative positions without a learned table; hs must be even.
 *
 * <p>The cos/sin tables are computed once per head size and reused (grown when a longer position
 * range is asked for): no trigonometry per element per step. Each (row, part, head) is independent,
 * so fast mode runs rows in parallel with the same loop: bit-identical for any thread count.
 */
public final class Rope {
    /** The frequency base of GPT-NeoX, LLaMA and the original RoPE paper. */
    public static final double BASE = 10000.0;

    /** cos/sin of pos * inv_freq_i for pos in [0, positions), i in [0, hs/2); row-major (positions, half). */
    private record Table(int positions, float[] cos, float[] sin) {
    }

    private static final ConcurrentHashMap<Integer, Table> TABLES = new ConcurrentHashMap<>();

    private Rope() {
    }

    /**
     * out (B, T, 3C) = qkv with q and k of every head rotated, v copied. {@code out} may be {@code qkv}
     * itself (in-place rotation).
     */
    public static void forward(float[] qkv, float[] out, int batch, int time, int channels, int numHeads,
                               int positionOffset) {
        apply(qkv, out, batch, time, channels, numHeads, positionOffset, 1f, false);
    }

    /**
     * Adds the gradient with respect to {@code qkv} into {@code dqkv} (B, T, 3C): the q and k parts
     * of {@code dout} rotated back by the same angles, the v part passed through.
     */
    public static void backward(float[] dout, float[] dqkv, int batch, int time, int channels, int numHeads,
                                int positionOffset) {
        apply(dout, dqkv, batch, time, channels, numHeads, positionOffset, -1f, true);
    }

    /**
     * Rotates q and k of each row by +angle ({@code direction} 1) or -angle (-1); writes or, with
     * {@code accumulate}, adds into {@code out}.
     */
    private static void apply(float[] in, float[] out, int batch, int time, int channels, int numHeads,
                              int positionOffset, float direction, boolean accumulate) {
        int headSize = checkShape(channels, numHeads, positionOffset);
        int half = headSize / 2;
        int rows = batch * time;
        if (in.length < rows * 3 * channels || out.length < rows * 3 * channels) {
            throw new IllegalArgumentException("rope: arrays of " + in.length + " and " + out.length
                    + " floats are shorter than B*T*3C = " + rows * 3 * channels);
        }
        Table table = table(headSize, positionOffset + time);
        float[] cosines = table.cos();
        float[] sines = table.sin();
        int row3 = 3 * channels;
        Rows.run(rows, row3, (start, end) -> {
            for (int r = start; r < end; r++) {
                int angles = (positionOffset + r % time) * half;
                int base = r * row3;
                for (int part = 0; part < 2; part++) {            // q, then k
                    for (int h = 0; h < numHeads; h++) {
                        int x = base + part * channels + h * headSize;
                        for (int i = 0; i < half; i++) {
                            float cos = cosines[angles + i];
                            float sin = direction * sines[angles + i];
                            float first = in[x + i];
                            float second = in[x + i + half];
                            float rotatedFirst = first * cos - second * sin;
                            float rotatedSecond = first * sin + second * cos;
                            if (accumulate) {
                                out[x + i] += rotatedFirst;
                                out[x + i + half] += rotatedSecond;
                            } else {
                                out[x + i] = rotatedFirst;
                                out[x + i + half] = rotatedSecond;
                            }
                        }
                    }
                }
                int v = base + 2 * channels;                       // v: unchanged
                for (int d = 0; d < channels; d++) {
                    out[v + d] = accumulate ? out[v + d] + in[v + d] : in[v + d];
                }
            }
        });
    }

    private static int checkShape(int channels, int numHeads, int positionOffset) {
        if (numHeads <= 0 || channels % numHeads != 0) {
            throw new IllegalArgumentException("rope: channels " + channels + " must be a positive multiple of"
                    + " numHeads " + numHeads);
        }
        int headSize = channels / numHeads;
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("rope: head size " + headSize + " must be even (channels i and i + hs/2"
                    + " are rotated as a pair)");
        }
        if (positionOffset < 0) {
            throw new IllegalArgumentException("rope: positionOffset must be >= 0, got " + positionOffset);
        }
        return headSize;
    }

    /** The table for {@code headSize} covering at least {@code positions}; built once, grown by doubling. */
    private static Table table(int headSize, int positions) {
        Table table = TABLES.get(headSize);
        if (table != null && table.positions() >= positions) {
            return table;
        }
        return TABLES.compute(headSize, (key, existing) -> existing != null && existing.positions() >= positions
                ? existing
                : build(headSize, Math.max(positions, existing == null ? 64 : 2 * existing.positions())));
    }

    /** Entries depend only on (pos, i), never on the table's size: a grown table holds the same numbers. */
    private static Table build(int headSize, int positions) {
        int half = headSize / 2;
        float[] cos = new float[positions * half];
        float[] sin = new float[positions * half];
        for (int i = 0; i < half; i++) {
            double invFreq = Math.pow(BASE, -2.0 * i / headSize);
            for (int pos = 0; pos < positions; pos++) {
                double angle = pos * invFreq;
                cos[pos * half + i] = (float) Math.cos(angle);
                sin[pos * half + i] = (float) Math.sin(angle);
            }
        }
        return new Table(positions, cos, sin);
    }
}
