package org.dlm4j.kernels;

import java.util.concurrent.atomic.AtomicInteger;

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
 *   <li>Threads: c is split into contiguous ranges of column panels ({@link MatmulMicroKernel#COLS}
 *       columns each) or, when that shares out less evenly, of row slivers
 *       ({@link MatmulMicroKernel#ROWS} rows); one {@link Parallel#forRange} call, whose threads claim
 *       the ranges in about {@link #CHUNKS_PER_THREAD} pieces each from a shared counter (so a thread
 *       that starts late or loses its core does not hold up the product), each packing what it needs
 *       into its own reusable buffers.</li>
 *   <li>Within a range: columns in blocks of {@link #NC}, k in blocks of {@link #KC}. The k block of b
 *       is copied into k-major panels ({@code panel[p*COLS + j]}, zero-padded at the right edge;
 *       512 KB, L2). The copy reads b as stored, so {@code abT} costs one transposing copy and then
 *       runs the same inner loop. Then, for each block of {@link #MC} rows, the register tile runs for
 *       every (panel, sliver of ROWS rows) pair, reading a's k block in place (row-major or
 *       transposed, {@link MatmulMicroKernel#tileStrided}; only a partial last sliver is copied,
 *       zero-padded): a panel's k block (32 KB) stays in L1 while the slivers (L2) stream past.
 *       Reading a in place instead of packing it saved about 15% of the training step.</li>
 * </ol>
 *
 * <p>Determinism: an element of c is computed by exactly one thread, as
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
    /** Rows per packed block of a: MC * KC floats (128 KB), sized for L2. */
    static final int MC = 128;
    /** Columns per packed block of b: KC * NC floats (512 KB), sized for L2 beside a's block. */
    static final int NC = 16 * COLS;
    /** Work per thread below which a product stays on the calling thread (about 10 us of compute). */
    static final long PARALLEL_MIN_MACS = 1L << 20;
    /** Products with fewer multiply-adds than this skip packing. */
    static final long DIRECT_MAX_MACS = 1L << 13;
    /** Batched products smaller than this are spread across the batch rather than inside each one. */
    static final long BATCH_ACROSS_MAX_MACS = 1L << 22;
    /** Pieces per thread that the packed path's work is claimed in (see {@link #packed}). */
    static final int CHUNKS_PER_THREAD = 4;
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
        int panels = ceilDiv(n, COLS);
        int slivers = ceilDiv(m, ROWS);
        int threads = threaded ? Parallel.threads() : 1;
        // Split the side that shares out more evenly; on a tie split columns (b is then packed once).
        boolean splitColumns = ceilDiv(panels, threads) * slivers <= ceilDiv(slivers, threads) * panels;
        int units = splitColumns ? panels : slivers;
        long unitMacs = (long) k * (splitColumns ? (long) m * COLS : (long) ROWS * n);
        int minChunk = threaded ? (int) Math.max(1, Math.min(units, PARALLEL_MIN_MACS / unitMacs)) : units;
        int workers = Math.min(threads, Math.max(1, units / minChunk));
        if (workers <= 1) {
            packedRange(form, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, splitColumns, 0, units);
            return;
        }
        // Work is claimed in CHUNKS_PER_THREAD pieces per thread rather than one fixed range each: with
        // as many threads as cores, a worker that wakes late or loses its core for a while (JIT, GC)
        // no longer holds up the whole product, the others take its pieces. Which thread computes a
        // piece does not change its bits (each element's sum runs over k blocks in order, in one thread).
        int chunk = Math.max(minChunk, ceilDiv(units, workers * CHUNKS_PER_THREAD));
        AtomicInteger next = new AtomicInteger();
        Parallel.forRange(workers, 1, (t0, t1) -> {
            for (int u0 = next.getAndAdd(chunk); u0 < units; u0 = next.getAndAdd(chunk)) {
                packedRange(form, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, splitColumns, u0,
                        Math.min(units, u0 + chunk));
            }
        });
    }

    /** Column panels or row slivers [u0, u1) of c on the calling thread. */
    private static void packedRange(Form form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                    int m, int k, int n, boolean accumulate, boolean splitColumns, int u0, int u1) {
        if (splitColumns) {
            region(form, a, aOff, b, bOff, c, cOff, m, k, n, 0, m, u0 * COLS, Math.min(n, u1 * COLS), accumulate);
        } else {
            region(form, a, aOff, b, bOff, c, cOff, m, k, n, u0 * ROWS, Math.min(m, u1 * ROWS), 0, n, accumulate);
        }
    }

    /**
     * c[i0..i1, j0..j1) on one thread: columns in blocks of {@link #NC}, k in blocks of {@link #KC},
     * rows in blocks of {@link #MC}; each k block of b and of a is packed once per (column block, row block).
     */
    private static void region(Form form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               int m, int k, int n, int i0, int i1, int j0, int j1, boolean accumulate) {
        Scratch scratch = SCRATCH.get();
        float[] aPack = scratch.aPack;
        float[] bPack = scratch.bPack;
        float[] tile = scratch.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int cols = Math.min(NC, j1 - jc);
            int panels = ceilDiv(cols, COLS);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean store = pc == 0 && !accumulate;
                for (int q = 0; q < panels; q++) {
                    packPanel(form, b, bOff, k, n, jc + q * COLS, Math.min(COLS, j1 - jc - q * COLS),
                            pc, kc, bPack, q * kc * COLS);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int rows = Math.min(MC, i1 - ic);
                    int slivers = ceilDiv(rows, ROWS);
                    int fullSlivers = rows / ROWS;
                    if (fullSlivers < slivers) {
                        // Only a partial last sliver is packed (zero-padded); full ones are read in place.
                        packRows(form, a, aOff, m, k, ic + fullSlivers * ROWS, rows - fullSlivers * ROWS, pc, kc, aPack);
                    }
                    int rowStride = form == Form.ATB ? 1 : k;
                    int kStride = form == Form.ATB ? m : 1;
                    for (int q = 0; q < panels; q++) {
                        int jq = jc + q * COLS;
                        int tileCols = Math.min(COLS, j1 - jq);
                        int bIdx = q * kc * COLS;
                        for (int s = 0; s < slivers; s++) {
                            int r0 = s * ROWS;
                            int tileRows = Math.min(ROWS, rows - r0);
                            int cIdx = cOff + (ic + r0) * n + jq;
                            int aIdx = aOff + (form == Form.ATB ? pc * m + ic + r0 : (ic + r0) * k + pc);
                            if (tileRows == ROWS && tileCols == COLS) {
                                MatmulMicroKernel.tileStrided(kc, a, aIdx, rowStride, kStride, bPack, bIdx, c, cIdx, n,
                                        store);
                            } else if (tileRows == ROWS) {
                                // Right edge: compute the zero-padded tile aside, keep only the real columns.
                                MatmulMicroKernel.tileStrided(kc, a, aIdx, rowStride, kStride, bPack, bIdx, tile, 0,
                                        COLS, true);
                                keepTile(tile, c, cIdx, n, ROWS, tileCols, store);
                            } else {
                                // Bottom edge: the packed, zero-padded last sliver.
                                MatmulMicroKernel.tileStrided(kc, aPack, 0, 1, ROWS, bPack, bIdx, tile, 0, COLS, true);
                                keepTile(tile, c, cIdx, n, tileRows, tileCols, store);
                            }
                        }
                    }
                }
            }
        }
    }

    /** c(r, j) (+)= tile(r, j) for the real rows and columns of an edge tile. */
    private static void keepTile(float[] tile, float[] c, int cIdx, int n, int rows, int cols, boolean store) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int ci = cIdx + r * n + j;
                c[ci] = store ? tile[r * COLS + j] : c[ci] + tile[r * COLS + j];
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
     * Copies op(b)[pc .. pc+kc, j0 .. j0+cols) into one k-major panel, zero-padded to COLS columns:
     * {@code bPack[dst + p*COLS + j] = op(b)[pc + p, j0 + j]}.
     */
    private static void packPanel(Form form, float[] b, int bOff, int k, int n, int j0, int cols,
                                  int pc, int kc, float[] bPack, int dst) {
        if (form == Form.ABT) {
            // b is (n, k): walk the panel's rows of b side by side along k, so the writes stay contiguous.
            int src = bOff + j0 * k + pc;
            for (int p = 0; p < kc; p++) {
                int to = dst + p * COLS;
                for (int j = 0; j < cols; j++) {
                    bPack[to + j] = b[src + j * k + p];
                }
                for (int j = cols; j < COLS; j++) {
                    bPack[to + j] = 0f;
                }
            }
        } else {
            // b is (k, n): each k step is a contiguous run of columns.
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * n + j0;
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

    /** Per-thread packing buffers (about 650 KB), allocated once per thread and reused. */
    private static final class Scratch {
        final float[] aPack = new float[MC * KC];
        final float[] bPack = new float[KC * NC];
        final float[] tile = new float[ROWS * COLS];
    }
}
