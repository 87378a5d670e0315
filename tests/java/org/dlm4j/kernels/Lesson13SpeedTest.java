package org.dlm4j.kernels;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 13, speed: the register tile of the fast matrix product ({@link MatmulMicroKernel}), bit for bit
 * against fused multiply-adds done one at a time, and the caller's side of the worker pool
 * ({@link SpinningPool#tryRun}). See lessons/13-speed.
 */
@LessonTest
@Tag("L13")
class Lesson13SpeedTest {
    private static final int ROWS = MatmulMicroKernel.ROWS;
    private static final int COLS = MatmulMicroKernel.COLS;

    // ---- L13.1 the register tile ----

    @Test
    @Tag("L13.1")
    void theTileEqualsFusedMultiplyAddsInIncreasingKBitForBit() {
        int kc = 37;
        int ldc = COLS + 3;
        float[] a = KernelTestData.gaussian(1, 2 + ROWS * kc);                  // row-major (ROWS, kc) at 2
        float[] bPack = KernelTestData.gaussian(2, 5 + kc * COLS);              // k-major panel at 5
        float[] c = new float[4 + ROWS * ldc];
        MatmulMicroKernel.tileStrided(kc, a, 2, kc, 1, bPack, 5, c, 4, ldc, true);
        Expect.close("a (8 x 37, row-major) times a packed panel", tile(kc, a, 2, kc, 1, bPack, 5, new float[c.length],
                        4, ldc, true), c, 0, 0, "one accumulator lane per output element, acc = fma(a, b, acc) for p"
                        + " ascending, starting from 0; a(r, p) is a[aIdx + r*rowStride + p*kStride]");
    }

    @Test
    @Tag("L13.1")
    void aTransposedOperandAndAccumulationAddTheTileToC() {
        int kc = 19;
        int m = ROWS + 2;                                                        // a stored (kc, m), transposed
        int ldc = COLS;
        float[] a = KernelTestData.gaussian(3, kc * m);
        float[] bPack = KernelTestData.gaussian(4, kc * COLS);
        float[] before = KernelTestData.gaussian(5, ROWS * ldc);
        float[] c = before.clone();
        MatmulMicroKernel.tileStrided(kc, a, 1, 1, m, bPack, 0, c, 0, ldc, false);
        Expect.close("aᵀ (rowStride 1, kStride m) times the panel, added to c", tile(kc, a, 1, 1, m, bPack, 0,
                before.clone(), 0, ldc, false), c, 0, 0, "with store = false the finished tile is added to c: c + tile,"
                + " one addition per element after the k loop", ROWS, ldc);
    }

    // ---- L13.2 the worker pool ----

    @Test
    @Tag("L13.2")
    void chunksAreContiguousAndTheCallerRunsTheFirst() {
        SpinningPool pool = new SpinningPool(3, 1_000_000);
        try {
            List<String> calls = new CopyOnWriteArrayList<>();
            String caller = Thread.currentThread().getName();
            boolean ran = pool.tryRun(10, 3, (start, end) -> calls.add(start + "-" + end + " "
                    + (Thread.currentThread().getName().equals(caller) ? "caller" : "worker")));
            Expect.that(ran, "tryRun returned false on an idle pool", "take the caller lock with tryLock");
            Expect.that(calls.size() == 3 && calls.contains("0-3 caller") && calls.contains("3-6 worker")
                    && calls.contains("6-10 worker"), "expected chunks 0-3 on the caller and 3-6, 6-10 on workers,"
                    + " got " + calls, "post the job to workers 1..chunks-1, run chunk 0 yourself (Job.run(0)), then"
                    + " wait for the workers before returning");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    @Tag("L13.2")
    void aWorkersFailureReachesTheCallerAndANestedCallRunsSerially() {
        SpinningPool pool = new SpinningPool(2, 1_000_000);
        try {
            boolean[] nested = new boolean[1];
            pool.tryRun(4, 2, (start, end) -> {
                if (start == 0) {
                    nested[0] = pool.tryRun(2, 2, (s, e) -> { });
                }
            });
            Expect.that(!nested[0], "a call from inside a chunk returned true", "a thread that already holds the"
                    + " caller lock must get false (and run its body serially): otherwise the pool waits for itself");
            RuntimeException thrown = null;
            try {
                pool.tryRun(4, 2, (start, end) -> {
                    if (start > 0) {
                        throw new IllegalStateException("chunk " + start + " failed");
                    }
                });
            } catch (IllegalStateException e) {
                thrown = e;
            }
            Expect.that(thrown != null && "chunk 2 failed".equals(thrown.getMessage()),
                    "the worker's exception did not reach the caller (got " + thrown + ")",
                    "after the workers finish, rethrow job.failure (or the caller's own failure first)");
        } finally {
            pool.shutdown();
        }
    }

    /** The tile with one scalar fused multiply-add at a time, p ascending; added to c unless {@code store}. */
    private static float[] tile(int kc, float[] a, int aIdx, int rowStride, int kStride, float[] bPack, int bIdx,
                                float[] c, int cIdx, int ldc, boolean store) {
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < COLS; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) {
                    acc = Math.fma(a[aIdx + r * rowStride + p * kStride], bPack[bIdx + p * COLS + j], acc);
                }
                int at = cIdx + r * ldc + j;
                c[at] = store ? acc : c[at] + acc;
            }
        }
        return c;
    }
}
