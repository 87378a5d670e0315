package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;

import static org.dlm4j.kernels.MatmulMicroKernel.COLS;
import static org.dlm4j.kernels.MatmulMicroKernel.LANES;
import static org.dlm4j.kernels.MatmulMicroKernel.ROWS;
import static org.dlm4j.kernels.MatmulMicroKernel.SPECIES;

/**
 * The fast path behind {@link Matmul}: a cache-blocked, packed, multi-threaded GEMM in the style of
 * GotoBLAS, written with the Vector API.
 *
 * <p>Plan for {@code c(m,n) (+)= op(a)(m,k) · op(b)(k,n)}:
 * <ol>
 *   <li>b is copied into column panels of {@link MatmulMicroKernel#COLS} columns, k-major
 *       ({@code panel[p*COLS + j]}), zero-padded at the right edge. The copy reads b as stored, so the
 *       transposed form {@code abT} costs one transposing copy and then runs the same inner loop.
 *       Panels cover at most {@link #B_PACK_FLOATS} floats at a time (columns are taken in blocks).</li>
 *   <li>The output is cut into row blocks (at most {@link #MC} rows) times groups of panels; each
 *       such task is one {@link Parallel#forRange} index. A task walks k in blocks of {@link #KC}:
 *       it copies its rows of a for that k block into slivers of {@link MatmulMicroKernel#ROWS} rows
 *       (about 128 KB, L2-resident), then runs the register tile for every (panel, sliver) pair;
 *       the b panel's k block (32 KB) stays in L1 while the slivers stream past it.</li>
 * </ol>
 *
 * <p>Determinism: an element of c is computed by exactly one task, as
 * {@code c = (((c0 + s_0) + s_1) + ...)} over the k blocks in increasing order, where each
 * {@code s_b} is a fused-multiply-add sum in increasing k (c0 is 0 or, with accumulate, the old c).
 * Block sizes are constants, so the bits do not depend on the thread count. They differ from the
 * reference loops only by rounding (FMA and the block-wise additions).
 *
 * <p>Small problems skip the packing: with fewer than {@code ROWS/2} rows, fewer columns than one
 * vector, or fewer than {@link #DIRECT_MAX_MACS} multiply-adds, each element is computed directly
 * (vector dot products for {@code abT}, a vector of columns at a time for the other two forms).
 * Problems below {@link #PARALLEL_MIN_MACS} stay on the calling thread. Packing buffers are kept
 * per thread and reused.
 */
final class FastMatmul {

    /** Which operand is read transposed: ab, abT (b is (n,k)) or aTb (a is (k,m)). */
    enum Form { AB, ABT, ATB }

    /** k block: one b panel block is KC * COLS floats (32 KB with AVX-512), sized for L1. */
    static final int KC = 256;
    /** Rows per task: the packed a block is MC * KC floats (128 KB), sized for L2. */
    static final int MC = 128;
    /** Largest packed b held at once (4 MB); wider b is processed in column blocks. */
    static final int B_PACK_FLOATS = 1 << 20;
    /** Products with fewer multiply-adds than this run on the calling thread. */
    static final long PARALLEL_MIN_MACS = 1L << 17;
    /** Products with fewer multiply-adds than this skip packing. */
    static final long DIRECT_MAX_MACS = 1L << 13;
    /** Batched products smaller than this are spread across the batch rather than inside each one. */
    static final long BATCH_ACROSS_MAX_MACS = 1L << 22;
    /** Columns per task of the direct (unpacked) path. */
    private static final int DIRECT_COLS = 4 * LANES;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private FastMatmul() {
    }

    /** One product, threaded inside when {@code parallel} and large enough. */
    static void multiply(Form form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                         int m, int k, int n, boolean accumulate, boolean parallel) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
            }
            return;
        }
        long macs = (long) m * n * k;
        boolean threaded = parallel && macs >= PARALLEL_MIN_MACS && Parallel.threads() > 1;
        if (m < ROWS / 2 || n < LANES || macs < DIRECT_MAX_MACS) {
            direct(form, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, threaded);
        } else {
            packed(form, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, threaded);
        }
    }

    /**
     * {@code batch} products stored back to back: small ones are shared out across the batch (each
     * on one thread, as attention's many (T x hs) products), large ones are threaded inside.
     */
    static void multiplyBatch(Form form, int batch, float[] a, float[] b, float[] c,
                              int m, int k, int n, boolean accumulate) {
        int aStride = m * k;
        int bStride = k * n;
        int cStride = m * n;
        long macs = (long) m * n * k;
        int threads = Parallel.threads();
        boolean across = batch > 1 && threads > 1 && (macs < BATCH_ACROSS_MAX_MACS || batch >= 4 * threads);
        if (!across) {
            for (int i = 0; i < batch; i++) {
                multiply(form, a, i * aStride, b, i * bStride, c, i * cStride, m, k, n, accumulate, true);
            }
            return;
        }
        int minChunk = (int) Math.max(1, Math.min(batch, PARALLEL_MIN_MACS / Math.max(1, macs)));
        Parallel.forRange(batch, minChunk, (start, end) -> {
            for (int i = start; i < end; i++) {
                multiply(form, a, i * aStride, b, i * bStride, c, i * cStride, m, k, n, accumulate, false);
            }
        });
    }

    // ---- packed path ----

    private static void packed(Form form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               int m, int k, int n, boolean accumulate, boolean threaded) {
        int threads = threaded ? Parallel.threads() : 1;
        int panelFloats = k * COLS;
        int panelsPerBlock = Math.max(1, B_PACK_FLOATS / panelFloats);
        int blockCols = panelsPerBlock * COLS;
        // Row blocks: at most MC rows, a multiple of the thread count when there are few of them.
        int rowBlocks = ceilDiv(m, MC);
        if (rowBlocks < 4 * threads) {
            rowBlocks = Math.min(ceilDiv(m, ROWS), roundUp(rowBlocks, threads));
        }
        int blockRows = roundUp(ceilDiv(m, rowBlocks), ROWS);
        rowBlocks = ceilDiv(m, blockRows);
        float[] bPack = SCRATCH.get().bPack(Math.min(ceilDiv(n, COLS), panelsPerBlock) * panelFloats);

        for (int jc = 0; jc < n; jc += blockCols) {
            int colBase = jc;
            int panels = ceilDiv(Math.min(blockCols, n - jc), COLS);
            int packChunk = threaded ? Math.max(1, (1 << 16) / panelFloats) : panels;
            Parallel.forRange(panels, packChunk, (q0, q1) -> {
                for (int q = q0; q < q1; q++) {
                    packPanel(form, b, bOff, k, n, colBase + q * COLS, bPack, q * panelFloats);
                }
            });
            // Column groups give every thread work when there are fewer row blocks than threads.
            int groups = rowBlocks >= 2 * threads ? 1 : Math.min(panels, ceilDiv(2 * threads, rowBlocks));
            int panelsPerGroup = ceilDiv(panels, groups);
            int groupCount = ceilDiv(panels, panelsPerGroup);
            int tasks = rowBlocks * groupCount;
            int finalRowBlocks = rowBlocks;
            Parallel.forRange(tasks, threaded ? 1 : tasks, (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    int rowBlock = t / groupCount;
                    int group = t % groupCount;
                    int i0 = rowBlock * blockRows;
                    int rows = Math.min(blockRows, m - i0);
                    int q0 = group * panelsPerGroup;
                    int q1 = Math.min(panels, q0 + panelsPerGroup);
                    if (rowBlock < finalRowBlocks && q0 < q1) {
                        blockProduct(form, a, aOff, m, k, n, i0, rows, bPack, colBase, q0, q1,
                                c, cOff, accumulate);
                    }
                }
            });
        }
    }

    /** Rows [i0, i0+rows) of c times panels [q0, q1) of the packed block starting at column colBase. */
    private static void blockProduct(Form form, float[] a, int aOff, int m, int k, int n, int i0, int rows,
                                     float[] bPack, int colBase, int q0, int q1,
                                     float[] c, int cOff, boolean accumulate) {
        Scratch scratch = SCRATCH.get();
        float[] aPack = scratch.aPack;
        float[] tile = scratch.tile;
        int slivers = ceilDiv(rows, ROWS);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            packRows(form, a, aOff, m, k, i0, rows, pc, kc, aPack);
            boolean store = pc == 0 && !accumulate;
            for (int q = q0; q < q1; q++) {
                int j0 = colBase + q * COLS;
                int cols = Math.min(COLS, n - j0);
                int bIdx = q * k * COLS + pc * COLS;
                for (int s = 0; s < slivers; s++) {
                    int r0 = s * ROWS;
                    int tileRows = Math.min(ROWS, rows - r0);
                    int aIdx = s * kc * ROWS;
                    int cIdx = cOff + (i0 + r0) * n + j0;
                    if (tileRows == ROWS && cols == COLS) {
                        MatmulMicroKernel.tile(kc, aPack, aIdx, bPack, bIdx, c, cIdx, n, store);
                    } else {
                        // Edge tile: compute the full padded tile aside, keep only the real part.
                        MatmulMicroKernel.tile(kc, aPack, aIdx, bPack, bIdx, tile, 0, COLS, true);
                        for (int r = 0; r < tileRows; r++) {
                            for (int j = 0; j < cols; j++) {
                                int ci = cIdx + r * n + j;
                                c[ci] = store ? tile[r * COLS + j] : c[ci] + tile[r * COLS + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Copies op(a)[i0 .. i0+rows, pc .. pc+kc) into slivers of ROWS rows, k-major:
     * {@code aPack[s*kc*ROWS + p*ROWS + r] = op(a)[i0 + s*ROWS + r, pc + p]}, rows past the end zero.
     */
    private static void packRows(Form form, float[] a, int aOff, int m, int k, int i0, int rows,
                                 int pc, int kc, float[] aPack) {
        for (int s = 0, r0 = 0; r0 < rows; s++, r0 += ROWS) {
            int base = s * kc * ROWS;
            int real = Math.min(ROWS, rows - r0);
            if (form == Form.ATB) {
                // a is (k, m): the ROWS values for one p are adjacent.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * m + i0 + r0;
                    int dst = base + p * ROWS;
                    for (int r = 0; r < real; r++) {
                        aPack[dst + r] = a[src + r];
                    }
                    for (int r = real; r < ROWS; r++) {
                        aPack[dst + r] = 0f;
                    }
                }
            } else {
                // a is (m, k): read each row along k, write it with stride ROWS.
                for (int r = 0; r < ROWS; r++) {
                    if (r < real) {
                        int src = aOff + (i0 + r0 + r) * k + pc;
                        for (int p = 0; p < kc; p++) {
                            aPack[base + p * ROWS + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            aPack[base + p * ROWS + r] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Copies op(b)[0 .. k, j0 .. j0+COLS) into one k-major panel:
     * {@code bPack[dst + p*COLS + j] = op(b)[p, j0 + j]}, columns past n zero.
     */
    private static void packPanel(Form form, float[] b, int bOff, int k, int n, int j0, float[] bPack, int dst) {
        int cols = Math.min(COLS, n - j0);
        if (form == Form.ABT) {
            // b is (n, k): walk COLS rows of b side by side along k, so the writes stay contiguous.
            int src = bOff + j0 * k;
            for (int p = 0; p < k; p++) {
                int to = dst + p * COLS;
                for (int j = 0; j < cols; j++) {
                    bPack[to + j] = b[src + j * k + p];
                }
                for (int j = cols; j < COLS; j++) {
                    bPack[to + j] = 0f;
                }
            }
        } else {
            // b is (k, n): each k step is a contiguous run of COLS columns.
            for (int p = 0; p < k; p++) {
                int src = bOff + p * n + j0;
                int to = dst + p * COLS;
                System.arraycopy(b, src, bPack, to, cols);
                if (cols < COLS) {
                    java.util.Arrays.fill(bPack, to + cols, to + COLS, 0f);
                }
            }
        }
    }

    // ---- direct path (no packing) ----

    private static void direct(Form form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               int m, int k, int n, boolean accumulate, boolean threaded) {
        int blocks = ceilDiv(n, DIRECT_COLS);
        Parallel.forRange(blocks, threaded ? 1 : blocks, (start, end) -> {
            int j0 = start * DIRECT_COLS;
            int j1 = Math.min(n, end * DIRECT_COLS);
            for (int i = 0; i < m; i++) {
                if (form == Form.ABT) {
                    directDotRow(a, aOff + i * k, b, bOff, c, cOff + i * n, k, j0, j1, accumulate);
                } else {
                    int aStart = form == Form.AB ? aOff + i * k : aOff + i;
                    int aStep = form == Form.AB ? 1 : m;
                    directAxpyRow(a, aStart, aStep, b, bOff, c, cOff + i * n, k, n, j0, j1, accumulate);
                }
            }
        });
    }

    /** c[j] (+)= a-row · b-row j for j in [j0, j1); b is (n, k). Vector dot, lanes summed in order. */
    private static void directDotRow(float[] a, int aRow, float[] b, int bOff, float[] c, int cRow,
                                     int k, int j0, int j1, boolean accumulate) {
        for (int j = j0; j < j1; j++) {
            int bRow = bOff + j * k;
            FloatVector acc = FloatVector.zero(SPECIES);
            int p = 0;
            for (; p + LANES <= k; p += LANES) {
                acc = FloatVector.fromArray(SPECIES, a, aRow + p).fma(FloatVector.fromArray(SPECIES, b, bRow + p), acc);
            }
            float sum = 0f;
            for (int lane = 0; lane < LANES; lane++) {
                sum += acc.lane(lane);
            }
            for (; p < k; p++) {
                sum = Math.fma(a[aRow + p], b[bRow + p], sum);
            }
            c[cRow + j] = accumulate ? c[cRow + j] + sum : sum;
        }
    }

    /** c[j] (+)= sum_p a[aStart + p*aStep] * b[p, j] for j in [j0, j1); b is (k, n). */
    private static void directAxpyRow(float[] a, int aStart, int aStep, float[] b, int bOff, float[] c, int cRow,
                                      int k, int n, int j0, int j1, boolean accumulate) {
        int j = j0;
        for (; j + LANES <= j1; j += LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.broadcast(SPECIES, a[aStart + p * aStep])
                        .fma(FloatVector.fromArray(SPECIES, b, bOff + p * n + j), acc);
            }
            if (accumulate) {
                acc.add(FloatVector.fromArray(SPECIES, c, cRow + j)).intoArray(c, cRow + j);
            } else {
                acc.intoArray(c, cRow + j);
            }
        }
        for (; j < j1; j++) {
            float sum = 0f;
            for (int p = 0; p < k; p++) {
                sum = Math.fma(a[aStart + p * aStep], b[bOff + p * n + j], sum);
            }
            c[cRow + j] = accumulate ? c[cRow + j] + sum : sum;
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    /** Per-thread packing buffers, reused across calls. */
    private static final class Scratch {
        final float[] aPack = new float[MC * KC];
        final float[] tile = new float[ROWS * COLS];
        private float[] bPack = new float[0];

        float[] bPack(int size) {
            if (bPack.length < size) {
                bPack = new float[size];
            }
            return bPack;
        }
    }
}
