package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast path behind {@link Attention}: the same math as its reference loops, written as small
 * matrix products per (batch, head) pair on the matrix kernel's register tiles, the pairs shared
 * out over the {@link Parallel} pool.
 *
 * <p>Per pair, q, k, v (T, hs) are first gathered from the strided (B, T, 3C) layout into
 * contiguous per-thread buffers; then the queries are taken in blocks of {@link #CAUSAL_BLOCK} rows
 * ({@link #FULL_BLOCK} without the mask).
 * With the causal mask a block of rows [r0, r1) only sees keys [0, r1), so every product of the
 * block is cut to those keys (at T = 128 and 32-row blocks, 5/8 of the full work):
 * <pre>
 *   S  = Q_blk K[0:r1]ᵀ                   (rows, keys)    scores, then p = softmax(S / sqrt(hs))
 *   O_blk = P V[0:r1]                     (rows, hs)
 * backward, with dO gathered like q:
 *   dP = dO_blk V[0:r1]ᵀ,   dS = P ∘ (dP − rowsum(P ∘ dP)) / sqrt(hs)
 *   dQ_blk = dS K[0:r1],    dK[0:r1] += dSᵀ Q_blk,    dV[0:r1] += Pᵀ dO_blk
 * </pre>
 * When T and hs are multiples of the matrix kernel's panel width, q, k, v (and dO) are packed once
 * per pair into its column panels and all six products run straight on the register tiles
 * ({@link MatmulMicroKernel#tileStrided}); otherwise through {@link FastMatmul}, which packs its
 * right operand again for every block.
 * {@code probs} keeps the reference layout (B, H, T, T) with exact zeros where masked, so either
 * backward can follow either forward.
 *
 * <p>Determinism: a pair is computed by one thread, blocks in increasing order, each product in
 * the matrix kernel's fixed summation order, and which path runs depends on the shapes only, so
 * the bits do not depend on the thread count. They differ from the reference
 * loops by rounding only (fused multiply-adds, {@link VectorMath#exp}, sums in lanes).
 */
final class FastAttention {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int COLS = MatmulMicroKernel.COLS;
    private static final int ROWS = MatmulMicroKernel.ROWS;
    /** Query rows per block when causal: small enough to skip most masked work, large enough for the tiles. */
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
                boolean tiles = tilesFit(time, headSize);
                if (tiles) {
                    packColumnPanels(s.k, time, headSize, s.panels);                      // kᵀ
                    packRowPanels(s.v, time, headSize, s.vPanels);
                }
                int rowPanel = time * COLS;
                for (int r0 = 0; r0 < time; r0 += block) {
                    int rows = Math.min(block, time - r0);
                    int keys = causal ? r0 + rows : time;
                    if (tiles) {
                        tiles(rows, keys, headSize, s.q, r0 * headSize, headSize, 1, s.panels, headSize * COLS, 0,
                                s.scores, 0, keys, true);                                 // S (rows, keys)
                    } else {
                        FastMatmul.multiply(FastMatmul.Form.ABT, s.q, r0 * headSize, s.k, 0, s.scores, 0, rows,
                                headSize, keys, false, false);
                    }
                    for (int i = 0; i < rows; i++) {
                        int valid = causal ? r0 + i + 1 : keys;
                        softmaxRow(s.scores, i * keys, keys, valid, scale, probs, probsBase + (r0 + i) * time, time);
                    }
                    if (tiles) {
                        tiles(rows, headSize, keys, s.scores, 0, keys, 1, s.vPanels, rowPanel, 0,
                                s.o, r0 * headSize, headSize, true);                      // O_blk (rows, hs)
                    } else {
                        FastMatmul.multiply(FastMatmul.Form.AB, s.scores, 0, s.v, 0, s.o, r0 * headSize,
                                rows, keys, headSize, false, false);
                    }
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
                boolean tiles = tilesFit(time, headSize);
                if (tiles) {
                    packColumnPanels(s.v, time, headSize, s.panels);                      // vᵀ
                    packRowPanels(s.k, time, headSize, s.vPanels);
                    packRowPanels(s.q, time, headSize, s.qPanels);
                    packRowPanels(s.o, time, headSize, s.oPanels);
                }
                int rowPanel = time * COLS;
                for (int r0 = 0; r0 < time; r0 += block) {
                    int rows = Math.min(block, time - r0);
                    int keys = causal ? r0 + rows : time;
                    for (int i = 0; i < rows; i++) {
                        System.arraycopy(probs, probsBase + (r0 + i) * time, s.scores, i * keys, keys);
                    }
                    if (tiles) {
                        tiles(rows, keys, headSize, s.o, r0 * headSize, headSize, 1, s.panels, headSize * COLS, 0,
                                s.dscores, 0, keys, true);                                // dP (rows, keys)
                    } else {
                        FastMatmul.multiply(FastMatmul.Form.ABT, s.o, r0 * headSize, s.v, 0, s.dscores, 0, rows,
                                headSize, keys, false, false);
                    }
                    for (int i = 0; i < rows; i++) {
                        softmaxBackwardRow(s.scores, s.dscores, i * keys, keys, scale);   // dS
                    }
                    if (tiles) {
                        tiles(rows, headSize, keys, s.dscores, 0, keys, 1, s.vPanels, rowPanel, 0,
                                s.dq, r0 * headSize, headSize, true);                     // dQ_blk = dS K
                        tiles(keys, headSize, rows, s.dscores, 0, 1, keys, s.qPanels, rowPanel, r0 * COLS,
                                s.dk, 0, headSize, false);                                // dK[0:keys] += dSᵀ Q_blk
                        tiles(keys, headSize, rows, s.scores, 0, 1, keys, s.oPanels, rowPanel, r0 * COLS,
                                s.dv, 0, headSize, false);                                // dV[0:keys] += Pᵀ dO_blk
                        continue;
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
     * Whether every product of a pair can run straight on the matrix kernel's register tiles: T and
     * hs multiples of the panel width (so every block's rows and keys are whole tiles).
     */
    private static boolean tilesFit(int time, int headSize) {
        return time % COLS == 0 && headSize % COLS == 0 && COLS % ROWS == 0;
    }

    /**
     * out[q*hs*COLS + p*COLS + j] = m[(q*COLS + j)*hs + p]: mᵀ (hs, T) as k-major column panels, for
     * products with m on the right transposed (S = Q Kᵀ, dP = dO Vᵀ); k runs over hs.
     */
    private static void packColumnPanels(float[] m, int time, int headSize, float[] out) {
        for (int q = 0; q < time / COLS; q++) {
            int base = q * headSize * COLS;
            for (int j = 0; j < COLS; j++) {
                int src = (q * COLS + j) * headSize;
                for (int p = 0; p < headSize; p++) {
                    out[base + p * COLS + j] = m[src + p];
                }
            }
        }
    }

    /**
     * out[q*T*COLS + t*COLS + j] = m[t*hs + q*COLS + j]: m (T, hs) as k-major column panels, for
     * products with m on the right (P V, dS K, dSᵀ Q, Pᵀ dO); k runs over T, so a block of rows
     * [r0, r1) of m is the panel entries from r0*COLS on.
     */
    private static void packRowPanels(float[] m, int time, int headSize, float[] out) {
        for (int q = 0; q < headSize / COLS; q++) {
            for (int t = 0; t < time; t++) {
                System.arraycopy(m, t * headSize + q * COLS, out, q * time * COLS + t * COLS, COLS);
            }
        }
    }

    /**
     * c(i, j) (+)= sum over p &lt; kc of a[aIdx + i*rowStride + p*kStride] * panel_q[pOff + p*COLS + j%COLS],
     * q = j / COLS, for i &lt; m, j &lt; n (both whole tiles), c row-major with row length ldc; the
     * tiles of {@link MatmulMicroKernel#tileStrided}, one per (panel, 8 rows), k in one block.
     */
    private static void tiles(int m, int n, int kc, float[] a, int aIdx, int rowStride, int kStride,
                              float[] panels, int panelStride, int pOff, float[] c, int cIdx, int ldc, boolean store) {
        for (int q = 0; q < n / COLS; q++) {
            for (int i = 0; i < m; i += ROWS) {
                MatmulMicroKernel.tileStrided(kc, a, aIdx + i * rowStride, rowStride, kStride, panels,
                        q * panelStride + pOff, c, cIdx + i * ldc + q * COLS, ldc, store);
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
        float[] q, k, v, o, dq, dk, dv, scores, dscores, panels, vPanels, qPanels, oPanels;

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
                vPanels = new float[head];
                qPanels = new float[head];
                oPanels = new float[head];
            }
            return this;
        }
    }
}
