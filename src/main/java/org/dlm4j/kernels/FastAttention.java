package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast path behind {@link Attention}: the same math as its reference loops, written as small
 * matrix products ({@link FastMatmul} on one thread) per (batch, head) pair, the pairs shared out
 * over the {@link Parallel} pool.
 *
 * <p>Per pair, q, k, v (T, hs) are first gathered from the strided (B, T, 3C) layout into
 * contiguous per-thread buffers; then the queries are taken in blocks of {@link #causalBlock} rows.
 * With the causal mask a block of rows [r0, r1) only sees keys [0, r1), so every product of the
 * block is cut to those keys (at T = 128 and 32-row blocks, 5/8 of the full work):
 * <pre>
 *   S  = Q_blk K[0:r1]ᵀ                   (rows, keys)    scores, then p = softmax(S / sqrt(hs))
 *   O_blk = P V[0:r1]                     (rows, hs)
 * backward, with dO gathered like q:
 *   dP = dO_blk V[0:r1]ᵀ,   dS = P ∘ (dP − rowsum(P ∘ dP)) / sqrt(hs)
 *   dQ_blk = dS K[0:r1],    dK[0:r1] += dSᵀ Q_blk,    dV[0:r1] += Pᵀ dO_blk
 * </pre>
 * When T is a multiple of the matrix kernel's panel width, k (and v for dP) are packed once per
 * pair and the score products run straight on the register tiles; otherwise through
 * {@link FastMatmul}, which would pack them again for every block.
 * {@code probs} keeps the reference layout (B, H, T, T) with exact zeros where masked, so either
 * backward can follow either forward.
 *
 * <p>Determinism: a pair is computed by one thread, blocks in increasing order, each product with
 * {@link FastMatmul}'s fixed summation order, so the bits do not depend on the thread count. They
 * differ from the reference loops by rounding only (fused multiply-adds, {@link VectorMath#exp}, sums in lanes).
 */
final class FastAttention {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Query rows per block when causal: small enough to skip most masked work, large enough for the GEMM. */
    private static final int CAUSAL_BLOCK = 32;
    /** Query rows per block without the mask (bounds the (rows, T) score buffer). */
    private static final int FULL_BLOCK = 128;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private FastAttention() {
    }

    static void forward(float[] qkv, float[] out, float[] probs, int batch, int time, int channels,
                        int numHeads, boolean causal) {
        int headSize = channels / numHeads;
        float scale = 1f / (float) Math.sqrt(headSize);
        int block = causal ? CAUSAL_BLOCK : FULL_BLOCK;
        Parallel.forRange(batch * numHeads, 1, (start, end) -> {
            Scratch s = SCRATCH.get().ensure(time, headSize, block);
            for (int bh = start; bh < end; bh++) {
                int b = bh / numHeads;
                int h = bh % numHeads;
                gather(qkv, b, time, 3 * channels, h * headSize, headSize, s.q);
                gather(qkv, b, time, 3 * channels, channels + h * headSize, headSize, s.k);
                gather(qkv, b, time, 3 * channels, 2 * channels + h * headSize, headSize, s.v);
                int probsBase = bh * time * time;
                boolean panels = panelsFit(time, headSize);
                if (panels) {
                    packPanels(s.k, time, headSize, s.panels);
                }
                for (int r0 = 0; r0 < time; r0 += block) {
                    int rows = Math.min(block, time - r0);
                    int keys = causal ? r0 + rows : time;
                    scores(panels, s.q, r0, rows, keys, headSize, s.k, s.panels, s.scores);      // (rows, keys)
                    for (int i = 0; i < rows; i++) {
                        int valid = causal ? r0 + i + 1 : keys;
                        softmaxRow(s.scores, i * keys, keys, valid, scale, probs, probsBase + (r0 + i) * time, time);
                    }
                    FastMatmul.multiply(FastMatmul.Form.AB, s.scores, 0, s.v, 0, s.o, r0 * headSize,
                            rows, keys, headSize, false, false);                          // (rows, hs)
                }
                scatter(s.o, out, b, time, channels, h * headSize, headSize, false);
            }
        });
    }

    static void backward(float[] dout, float[] qkv, float[] probs, float[] dqkv, int batch, int time,
                         int channels, int numHeads, boolean causal) {
        int headSize = channels / numHeads;
        float scale = 1f / (float) Math.sqrt(headSize);
        int block = causal ? CAUSAL_BLOCK : FULL_BLOCK;
        int row3 = 3 * channels;
        Parallel.forRange(batch * numHeads, 1, (start, end) -> {
            Scratch s = SCRATCH.get().ensure(time, headSize, block);
            for (int bh = start; bh < end; bh++) {
                int b = bh / numHeads;
                int h = bh % numHeads;
                gather(qkv, b, time, row3, h * headSize, headSize, s.q);
                gather(qkv, b, time, row3, channels + h * headSize, headSize, s.k);
                gather(qkv, b, time, row3, 2 * channels + h * headSize, headSize, s.v);
                gather(dout, b, time, channels, h * headSize, headSize, s.o);             // dO (T, hs)
                java.util.Arrays.fill(s.dk, 0, time * headSize, 0f);
                java.util.Arrays.fill(s.dv, 0, time * headSize, 0f);
                int probsBase = bh * time * time;
                boolean panels = panelsFit(time, headSize);
                if (panels) {
                    packPanels(s.v, time, headSize, s.panels);
                }
                for (int r0 = 0; r0 < time; r0 += block) {
                    int rows = Math.min(block, time - r0);
                    int keys = causal ? r0 + rows : time;
                    for (int i = 0; i < rows; i++) {
                        System.arraycopy(probs, probsBase + (r0 + i) * time, s.scores, i * keys, keys);
                    }
                    scores(panels, s.o, r0, rows, keys, headSize, s.v, s.panels, s.dscores);     // dP (rows, keys)
                    for (int i = 0; i < rows; i++) {
                        softmaxBackwardRow(s.scores, s.dscores, i * keys, keys, scale);   // dS
                    }
                    FastMatmul.multiply(FastMatmul.Form.AB, s.dscores, 0, s.k, 0, s.dq, r0 * headSize,
                            rows, keys, headSize, false, false);                          // dQ_blk (rows, hs)
                    FastMatmul.multiply(FastMatmul.Form.ATB, s.dscores, 0, s.q, r0 * headSize, s.dk, 0,
                            keys, rows, headSize, true, false);                           // dK[0:keys] (keys, hs)
                    FastMatmul.multiply(FastMatmul.Form.ATB, s.scores, 0, s.o, r0 * headSize, s.dv, 0,
                            keys, rows, headSize, true, false);                           // dV[0:keys] (keys, hs)
                }
                scatter(s.dq, dqkv, b, time, row3, h * headSize, headSize, true);
                scatter(s.dk, dqkv, b, time, row3, channels + h * headSize, headSize, true);
                scatter(s.dv, dqkv, b, time, row3, 2 * channels + h * headSize, headSize, true);
            }
        });
    }

    /**
     * Whether the (T, hs) keys can be packed once into the matrix kernel's column panels and every
     * block's score product run on whole register tiles: T a multiple of the panel width (and so of
     * the tile height, which the block sizes are multiples of), hs within one k block.
     */
    private static boolean panelsFit(int time, int headSize) {
        return time % MatmulMicroKernel.COLS == 0 && MatmulMicroKernel.COLS % MatmulMicroKernel.ROWS == 0
                && headSize <= FastMatmul.KC;
    }

    /**
     * panels[q*hs*COLS + p*COLS + j] = m[(q*COLS + j)*hs + p]: the rows of m (T, hs) as the k-major
     * column panels of mᵀ, packed once per (batch, head) instead of once per block.
     */
    private static void packPanels(float[] m, int time, int headSize, float[] panels) {
        int cols = MatmulMicroKernel.COLS;
        for (int q = 0; q < time / cols; q++) {
            int base = q * headSize * cols;
            for (int j = 0; j < cols; j++) {
                int src = (q * cols + j) * headSize;
                for (int p = 0; p < headSize; p++) {
                    panels[base + p * cols + j] = m[src + p];
                }
            }
        }
    }

    /**
     * out(i, j) = a[r0 + i] · m[j] for i &lt; rows, j &lt; keys, out row-major with row length keys:
     * straight on the register tiles from the packed panels when they fit (the same operations
     * in the same order as {@link FastMatmul}'s packed path, so the same bits), else through it.
     */
    private static void scores(boolean panels, float[] a, int r0, int rows, int keys, int headSize, float[] m,
                               float[] packed, float[] out) {
        if (!panels) {
            FastMatmul.multiply(FastMatmul.Form.ABT, a, r0 * headSize, m, 0, out, 0, rows, headSize, keys, false,
                    false);
            return;
        }
        int cols = MatmulMicroKernel.COLS;
        int tileRows = MatmulMicroKernel.ROWS;
        for (int q = 0; q < keys / cols; q++) {
            for (int i = 0; i < rows; i += tileRows) {
                MatmulMicroKernel.tileStrided(headSize, a, (r0 + i) * headSize, headSize, 1, packed,
                        q * headSize * cols, out, i * keys + q * cols, keys, true);
            }
        }
    }

    /**
     * p_j = exp(s_j scale − max) / sum over j &lt; valid; writes p over the row of {@code s} (zeros from
     * {@code valid} on) and the full probs row (zeros from {@code valid} to {@code time}). Whole
     * vectors first, then one masked vector for the rest.
     */
    private static void softmaxRow(float[] s, int base, int keys, int valid, float scale,
                                   float[] probs, int pBase, int time) {
        int whole = valid - valid % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, valid);
        FloatVector maxV = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < whole; j += LANES) {
            maxV = maxV.max(FloatVector.fromArray(SPECIES, s, base + j).mul(scale));
        }
        FloatVector last = FloatVector.fromArray(SPECIES, s, base + whole, tail).mul(scale);
        float max = Math.max(maxV.reduceLanes(VectorOperators.MAX), last.reduceLanes(VectorOperators.MAX, tail));
        FloatVector sumV = FloatVector.zero(SPECIES);
        for (int j = 0; j < whole; j += LANES) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, s, base + j).mul(scale).sub(max));
            e.intoArray(s, base + j);
            sumV = sumV.add(e);
        }
        FloatVector e = VectorMath.exp(last.sub(max)).blend(0f, tail.not());
        e.intoArray(s, base + whole, tail);
        float inv = 1f / (VectorMath.sum(sumV) + VectorMath.sum(e));
        for (int j = 0; j < whole; j += LANES) {
            FloatVector p = FloatVector.fromArray(SPECIES, s, base + j).mul(inv);
            p.intoArray(s, base + j);
            p.intoArray(probs, pBase + j);
        }
        FloatVector p = FloatVector.fromArray(SPECIES, s, base + whole, tail).mul(inv);
        p.intoArray(s, base + whole, tail);
        p.intoArray(probs, pBase + whole, tail);
        java.util.Arrays.fill(s, base + valid, base + keys, 0f);
        java.util.Arrays.fill(probs, pBase + valid, pBase + time, 0f);
    }

    /** dp_j := p_j (dp_j − sum_j' p_j' dp_j') scale over one row (masked p are 0, so their ds are 0). */
    private static void softmaxBackwardRow(float[] p, float[] dp, int base, int keys, float scale) {
        int whole = keys - keys % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, keys);
        FloatVector dotV = FloatVector.zero(SPECIES);
        for (int j = 0; j < whole; j += LANES) {
            dotV = FloatVector.fromArray(SPECIES, p, base + j).fma(FloatVector.fromArray(SPECIES, dp, base + j), dotV);
        }
        FloatVector pLast = FloatVector.fromArray(SPECIES, p, base + whole, tail);
        FloatVector dpLast = FloatVector.fromArray(SPECIES, dp, base + whole, tail);
        float dot = VectorMath.sum(dotV) + VectorMath.sum(pLast.mul(dpLast).blend(0f, tail.not()));
        for (int j = 0; j < whole; j += LANES) {
            FloatVector pj = FloatVector.fromArray(SPECIES, p, base + j);
            FloatVector dpj = FloatVector.fromArray(SPECIES, dp, base + j);
            pj.mul(dpj.sub(dot)).mul(scale).intoArray(dp, base + j);
        }
        pLast.mul(dpLast.sub(dot)).mul(scale).intoArray(dp, base + whole, tail);
    }

    /** dst(t, d) = src[(b*T + t) * rowStride + offset + d] for t &lt; T, d &lt; hs. */
    private static void gather(float[] src, int b, int time, int rowStride, int offset, int headSize, float[] dst) {
        for (int t = 0; t < time; t++) {
            System.arraycopy(src, (b * time + t) * rowStride + offset, dst, t * headSize, headSize);
        }
    }

    /** dst[(b*T + t) * rowStride + offset + d] (+)= src(t, d). */
    private static void scatter(float[] src, float[] dst, int b, int time, int rowStride, int offset, int headSize,
                                boolean add) {
        for (int t = 0; t < time; t++) {
            int from = t * headSize;
            int to = (b * time + t) * rowStride + offset;
            if (!add) {
                System.arraycopy(src, from, dst, to, headSize);
                continue;
            }
            int d = 0;
            for (; d + LANES <= headSize; d += LANES) {
                FloatVector.fromArray(SPECIES, dst, to + d).add(FloatVector.fromArray(SPECIES, src, from + d))
                        .intoArray(dst, to + d);
            }
            for (; d < headSize; d++) {
                dst[to + d] += src[from + d];
            }
        }
    }

    /** Per-thread buffers for one (batch, head) pair, grown when a larger T or hs comes along. */
    private static final class Scratch {
        int time = -1;
        int headSize = -1;
        int block = -1;
        float[] q, k, v, o, dq, dk, dv, scores, dscores, panels;

        Scratch ensure(int t, int hs, int blk) {
            if (t != time || hs != headSize || blk != block) {
                time = t;
                headSize = hs;
                block = blk;
                int head = t * hs;
                q = new float[head];
                k = new float[head];
                v = new float[head];
                o = new float[head];
                dq = new float[head];
                dk = new float[head];
                dv = new float[head];
                scores = new float[Math.min(blk, t) * t];
                dscores = new float[Math.min(blk, t) * t];
                panels = new float[head];
            }
            return this;
        }
    }
}
