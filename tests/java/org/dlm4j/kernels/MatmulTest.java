package org.dlm4j.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The reference loops against hand-computed products, and the fast path against the reference:
 * every form, many shapes (1, odd, tails of the register tile, k and row blocks, column blocks of the
 * packed b), offsets, accumulate, batches, bit-identical results for 1, 2 and 3 threads, and no
 * writes outside c's window.
 */
class MatmulTest {

    /** The three forms, dispatched through the public entry points. */
    private enum Form { AB, ABT, ATB }

    /** Guard floats around every operand window; c's guards must survive untouched. */
    private static final int PAD = 11;
    private static final float GUARD = 12345f;
    /** |fast - reference| may be this times sum_p |a b| (plus |c| with accumulate): a few ulps per term. */
    private static final double RELATIVE_TOLERANCE = 1e-5;

    private KernelMode savedMode;
    private int savedThreads;

    @BeforeEach
    void save() {
        savedMode = KernelMode.current();
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restore() {
        KernelMode.set(savedMode);
        Parallel.setThreads(savedThreads);
    }

    // ---- the reference is the definition: check it by hand ----

    @Test
    void referenceMatchesHandComputedProducts() {
        KernelMode.set(KernelMode.REFERENCE);
        float[] a = {1, 2, 3, 4, 5, 6};          // (2, 3) = [[1,2,3],[4,5,6]]
        float[] b = {7, 8, 9, 10, 11, 12};       // (3, 2) = [[7,8],[9,10],[11,12]]
        float[] c = new float[4];
        Matmul.ab(a, 0, b, 0, c, 0, 2, 3, 2, false);
        assertThat(c).containsExactly(58, 64, 139, 154);

        float[] bRows = {7, 9, 11, 8, 10, 12};   // the same b stored as (n, k) = bᵀ
        Matmul.abT(a, 0, bRows, 0, c, 0, 2, 3, 2, false);
        assertThat(c).containsExactly(58, 64, 139, 154);

        float[] aCols = {1, 4, 2, 5, 3, 6};      // the same a stored as (k, m) = aᵀ
        Matmul.aTb(aCols, 0, b, 0, c, 0, 2, 3, 2, true);
        assertThat(c).containsExactly(116, 128, 278, 308);
    }

    @Test
    void referenceHonoursOffsets() {
        KernelMode.set(KernelMode.REFERENCE);
        float[] a = {9, 9, 1, 2, 3, 4};          // a (2,2) = [[1,2],[3,4]] at offset 2
        float[] b = {9, 5, 6, 7, 8};             // b (2,2) = [[5,6],[7,8]] at offset 1
        float[] c = {-1, -1, -1, 0, 0, 0, 0, -1};
        Matmul.ab(a, 2, b, 1, c, 3, 2, 2, 2, false);
        assertThat(c).containsExactly(-1, -1, -1, 19, 22, 43, 50, -1);
        Matmul.aTb(a, 2, b, 1, c, 3, 2, 2, 2, false); // aᵀ = [[1,3],[2,4]]
        assertThat(c).containsExactly(-1, -1, -1, 26, 30, 38, 44, -1);
    }

    // ---- fast against reference ----

    @Test
    void fastMatchesReferenceOnSmallAndOddShapes() {
        int[] sizes = {1, 2, 3, 5, 8, 9, 17, 33};
        int checked = 0;
        for (int m : sizes) {
            for (int k : sizes) {
                for (int n : sizes) {
                    for (Form form : Form.values()) {
                        compareWithReference(form, m, k, n, (m + k + n) % 2 == 0, 31L * m + 7L * k + n);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(3 * 512);
    }

    @Test
    void fastMatchesReferenceOnLargeShapesWithTails() {
        // Register-tile tails (m % 8, n % 32), k past one k block (256), rows past one row block (128),
        // the unpacked path (m < 4), and a b wide enough to be packed in two column blocks (k*n > 2^20).
        int[][] shapes = {
                {64, 64, 64}, {65, 257, 33}, {129, 300, 97}, {300, 300, 300}, {256, 513, 70},
                {7, 300, 200}, {300, 5, 280}, {3, 700, 300}, {1, 600, 257}, {16, 600, 2000},
                {100, 1, 100}, {250, 40, 31},
        };
        for (int[] s : shapes) {
            for (Form form : Form.values()) {
                compareWithReference(form, s[0], s[1], s[2], false, s[0] + 3L * s[1]);
                compareWithReference(form, s[0], s[1], s[2], true, s[0] + 5L * s[1]);
            }
        }
    }

    @Test
    void fastMatchesReferenceOnBatches() {
        int[][] shapes = {{12, 16, 20}, {128, 64, 128}, {130, 140, 150}, {1, 33, 7}};
        int[] batches = {5, 6, 2, 3};
        for (int i = 0; i < shapes.length; i++) {
            int m = shapes[i][0];
            int k = shapes[i][1];
            int n = shapes[i][2];
            int batch = batches[i];
            for (Form form : Form.values()) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    Rng rng = new Rng(1000L * i + form.ordinal() + (accumulate ? 7 : 0));
                    float[] a = random(rng, batch * m * k);
                    float[] b = random(rng, batch * k * n);
                    float[] c0 = random(rng, batch * m * n);
                    float[] expected = c0.clone();
                    float[] actual = c0.clone();
                    KernelMode.set(KernelMode.REFERENCE);
                    batched(form, batch, a, b, expected, m, k, n, accumulate);
                    KernelMode.set(KernelMode.FAST);
                    batched(form, batch, a, b, actual, m, k, n, accumulate);
                    for (int bi = 0; bi < batch; bi++) {
                        double[] magnitude = magnitudes(form, a, bi * m * k, b, bi * k * n, c0, bi * m * n,
                                m, k, n, accumulate);
                        for (int e = 0; e < m * n; e++) {
                            int idx = bi * m * n + e;
                            assertThat((double) actual[idx])
                                    .as("%s batch %d of %d, %dx%dx%d, element %d", form, bi, batch, m, k, n, e)
                                    .isCloseTo(expected[idx], within(RELATIVE_TOLERANCE * magnitude[e] + 1e-30));
                        }
                    }
                }
            }
        }
    }

    @Test
    void zeroLengthSumOverwritesOrKeepsC() {
        KernelMode.set(KernelMode.FAST);
        float[] c = {3, 4, 5, 6};
        Matmul.ab(new float[0], 0, new float[0], 0, c, 0, 2, 0, 2, true);
        assertThat(c).containsExactly(3, 4, 5, 6);
        Matmul.abT(new float[0], 0, new float[0], 0, c, 0, 2, 0, 2, false);
        assertThat(c).containsExactly(0, 0, 0, 0);
    }

    // ---- determinism ----

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        KernelMode.set(KernelMode.FAST);
        int[][] shapes = {{300, 300, 300}, {129, 513, 70}, {8, 600, 2000}, {2, 900, 1000}, {40, 200, 48}};
        for (int[] s : shapes) {
            for (Form form : Form.values()) {
                Rng rng = new Rng(s[0] * 7L + form.ordinal());
                Operands ops = Operands.random(rng, s[0], s[1], s[2]);
                List<float[]> results = new ArrayList<>();
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] c = ops.c.clone();
                    single(form, ops, c, true);
                    results.add(c);
                }
                assertThat(results.get(1)).as("%s %s, 2 threads vs 1", form, java.util.Arrays.toString(s))
                        .containsExactly(results.get(0));
                assertThat(results.get(2)).as("%s %s, 3 threads vs 1", form, java.util.Arrays.toString(s))
                        .containsExactly(results.get(0));
            }
        }
    }

    @Test
    void batchedResultsAreBitIdenticalForAnyThreadCount() {
        KernelMode.set(KernelMode.FAST);
        int[][] shapes = {{64, 32, 64, 8}, {200, 300, 150, 3}};   // across the batch, inside each product
        for (int[] s : shapes) {
            for (Form form : Form.values()) {
                int m = s[0];
                int k = s[1];
                int n = s[2];
                int batch = s[3];
                Rng rng = new Rng(m + 13L * form.ordinal());
                float[] a = random(rng, batch * m * k);
                float[] b = random(rng, batch * k * n);
                Parallel.setThreads(1);
                float[] one = new float[batch * m * n];
                batched(form, batch, a, b, one, m, k, n, false);
                Parallel.setThreads(2);
                float[] two = new float[batch * m * n];
                batched(form, batch, a, b, two, m, k, n, false);
                assertThat(two).as("%s batch %d", form, batch).containsExactly(one);
            }
        }
    }

    // ---- bad input ----

    @Test
    void rejectsNegativeSizesAndShortArrays() {
        float[] four = new float[4];
        assertThatThrownBy(() -> Matmul.ab(four, 0, four, 0, four, 0, -1, 2, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> Matmul.abT(four, 1, four, 0, four, 0, 2, 2, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand a");
        assertThatThrownBy(() -> Matmul.aTb(four, 0, new float[3], 0, four, 0, 2, 2, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand b");
        assertThatThrownBy(() -> Matmul.ab(2, four, four, four, 2, 2, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand a");
    }

    // ---- helpers ----

    /** Runs reference and fast on the same operands (inside padded arrays) and compares them. */
    private static void compareWithReference(Form form, int m, int k, int n, boolean accumulate, long seed) {
        Operands ops = Operands.random(new Rng(seed), m, k, n);
        float[] expected = ops.c.clone();
        float[] actual = ops.c.clone();
        KernelMode.set(KernelMode.REFERENCE);
        single(form, ops, expected, accumulate);
        KernelMode.set(KernelMode.FAST);
        single(form, ops, actual, accumulate);
        double[] magnitude = magnitudes(form, ops.a, PAD, ops.b, PAD, ops.c, PAD, m, k, n, accumulate);
        for (int i = 0; i < PAD; i++) {
            assertThat(actual[i]).as("guard before c").isEqualTo(GUARD);
            assertThat(actual[PAD + m * n + i]).as("guard after c").isEqualTo(GUARD);
        }
        for (int e = 0; e < m * n; e++) {
            assertThat((double) actual[PAD + e])
                    .as("%s %dx%dx%d accumulate=%s element (%d,%d)", form, m, k, n, accumulate, e / n, e % n)
                    .isCloseTo(expected[PAD + e], within(RELATIVE_TOLERANCE * magnitude[e] + 1e-30));
        }
    }

    /** sum_p |op(a)[i,p] op(b)[p,j]| (+ |c| when accumulating): the scale of each element's rounding error. */
    private static double[] magnitudes(Form form, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                       int m, int k, int n, boolean accumulate) {
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? Math.abs(c[cOff + i * n + j]) : 0;
                for (int p = 0; p < k; p++) {
                    float av = form == Form.ATB ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    float bv = form == Form.ABT ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    sum += Math.abs((double) av * bv);
                }
                mag[i * n + j] = sum;
            }
        }
        return mag;
    }

    private static void single(Form form, Operands ops, float[] c, boolean accumulate) {
        switch (form) {
            case AB -> Matmul.ab(ops.a, PAD, ops.b, PAD, c, PAD, ops.m, ops.k, ops.n, accumulate);
            case ABT -> Matmul.abT(ops.a, PAD, ops.b, PAD, c, PAD, ops.m, ops.k, ops.n, accumulate);
            case ATB -> Matmul.aTb(ops.a, PAD, ops.b, PAD, c, PAD, ops.m, ops.k, ops.n, accumulate);
        }
    }

    private static void batched(Form form, int batch, float[] a, float[] b, float[] c,
                                int m, int k, int n, boolean accumulate) {
        switch (form) {
            case AB -> Matmul.ab(batch, a, b, c, m, k, n, accumulate);
            case ABT -> Matmul.abT(batch, a, b, c, m, k, n, accumulate);
            case ATB -> Matmul.aTb(batch, a, b, c, m, k, n, accumulate);
        }
    }

    private static float[] random(Rng rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = 2f * rng.nextFloat() - 1f;
        }
        return x;
    }

    /** a, b and c with {@link #PAD} guard floats on each side of their windows. */
    private record Operands(float[] a, float[] b, float[] c, int m, int k, int n) {
        static Operands random(Rng rng, int m, int k, int n) {
            return new Operands(padded(rng, m * k), padded(rng, k * n), padded(rng, m * n), m, k, n);
        }

        private static float[] padded(Rng rng, int size) {
            float[] x = new float[size + 2 * PAD];
            java.util.Arrays.fill(x, GUARD);
            for (int i = 0; i < size; i++) {
                x[PAD + i] = 2f * rng.nextFloat() - 1f;
            }
            return x;
        }
    }
}
