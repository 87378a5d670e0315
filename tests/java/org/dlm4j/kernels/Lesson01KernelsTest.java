package org.dlm4j.kernels;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 1, kernels: the three matrix-product forms of {@link Matmul} and one row of {@link Softmax},
 * each checked against its definition computed here in double precision. See lessons/01-kernels.
 */
@LessonTest
@Tag("L01")
class Lesson01KernelsTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-5;
    /** Operands start at these offsets inside larger arrays, as batches and slices do in the model. */
    private static final int A_OFF = 3;
    private static final int B_OFF = 5;
    private static final int C_OFF = 7;
    private static final int M = 3;
    private static final int K = 4;
    private static final int N = 5;

    // ---- L01.1 ab ----

    @Test
    @Tag("L01.1")
    void abMultipliesRowsOfAWithColumnsOfB() {
        float[] a = {1, 2, 3, 4, 5, 6};                     // (2, 3)
        float[] b = {7, 8, 9, 10, 11, 12};                  // (3, 2)
        float[] c = new float[4];
        Matmul.referenceAb(a, 0, b, 0, c, 0, 2, 3, 2, false);
        Expect.close("c = [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]]", new float[] {58, 64, 139, 154}, c, 0, 0,
                "c(i,j) = sum over p of a[i*k + p] * b[p*n + j]; row i of a walks along k, column j of b too", 2, 2);
    }

    @Test
    @Tag("L01.1")
    void abReadsItsOperandsAtTheirOffsets() {
        assertProduct(Form.AB, "c with offsets aOff=3, bOff=5, cOff=7",
                "add aOff, bOff and cOff to every index, and write only c[cOff .. cOff + m*n)");
    }

    @Test
    @Tag("L01.1")
    void abWithAccumulateAddsToC() {
        assertAccumulates(Form.AB);
    }

    // ---- L01.2 abT ----

    @Test
    @Tag("L01.2")
    void abTMultipliesRowsOfAWithRowsOfB() {
        assertProduct(Form.ABT, "c = a · bᵀ with b stored (n, k)",
                "b is stored (n, k): element (p, j) of bᵀ is b[bOff + j*k + p]");
    }

    @Test
    @Tag("L01.2")
    void abTWithAccumulateAddsToC() {
        assertAccumulates(Form.ABT);
    }

    // ---- L01.3 aTb ----

    @Test
    @Tag("L01.3")
    void aTbMultipliesColumnsOfAWithColumnsOfB() {
        assertProduct(Form.ATB, "c = aᵀ · b with a stored (k, m)",
                "a is stored (k, m): element (i, p) of aᵀ is a[aOff + p*m + i]");
    }

    @Test
    @Tag("L01.3")
    void aTbWithAccumulateAddsToC() {
        assertAccumulates(Form.ATB);
    }

    // ---- L01.4 softmax ----

    @Test
    @Tag("L01.4")
    void softmaxRowIsExpOverSumOfExp() {
        float[] x = {1f, 2f, 3f, -1f};
        float[] out = new float[4];
        Softmax.forwardRow(x, out, 0, 4);
        double sum = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(-1);
        float[] expected = {(float) (Math.exp(1) / sum), (float) (Math.exp(2) / sum), (float) (Math.exp(3) / sum),
                (float) (Math.exp(-1) / sum)};
        Expect.close("softmax([1, 2, 3, -1])", expected, out, 1e-7, 1e-6,
                "p_j = exp(x_j - max) / sum_k exp(x_k - max); the probabilities sum to 1");
    }

    @Test
    @Tag("L01.4")
    void softmaxRowIsStableForLargeLogits() {
        float[] x = {1000f, 1001f, 999f};
        float[] out = new float[3];
        Softmax.forwardRow(x, out, 0, 3);
        double sum = Math.exp(-1) + 1 + Math.exp(-2);
        Expect.close("softmax([1000, 1001, 999])", new float[] {(float) (Math.exp(-1) / sum), (float) (1 / sum),
                        (float) (Math.exp(-2) / sum)}, out, 1e-7, 1e-6,
                "exp(1000) overflows to infinity in float: subtract the row's maximum before exponentiating");
    }

    @Test
    @Tag("L01.4")
    void softmaxRowWorksOnItsRowOnly() {
        int cols = 5;
        float[] x = KernelTestData.gaussian(7, 3 * cols);
        float[] out = new float[3 * cols];
        java.util.Arrays.fill(out, -7f);
        Softmax.forwardRow(x, out, cols, cols);                  // the middle row
        float[] expected = new float[3 * cols];
        java.util.Arrays.fill(expected, -7f);
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += Math.exp(x[cols + j]);
        }
        for (int j = 0; j < cols; j++) {
            expected[cols + j] = (float) (Math.exp(x[cols + j]) / sum);
        }
        Expect.close("the middle row of a (3, 5) block", expected, out, 1e-7, 1e-6,
                "the row is x[base .. base + cols); read and write only there", 3, cols);
    }

    // ---- the definitions, in double ----

    private enum Form { AB, ABT, ATB }

    /** c(i, j) = sum_p a(i, p) b(p, j) with the form's layouts, offsets as the tests use them. */
    private static float[] product(float[] a, float[] b, Form form) {
        float[] c = new float[M * N];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int p = 0; p < K; p++) {
                    float left = form == Form.ATB ? a[A_OFF + p * M + i] : a[A_OFF + i * K + p];
                    float right = form == Form.ABT ? b[B_OFF + j * K + p] : b[B_OFF + p * N + j];
                    sum += (double) left * right;
                }
                c[i * N + j] = (float) sum;
            }
        }
        return c;
    }

    /** The product placed at C_OFF in an array of {@code length} zeros. */
    private static float[] expectedWithGuards(float[] product, int length) {
        float[] expected = new float[length];
        System.arraycopy(product, 0, expected, C_OFF, product.length);
        return expected;
    }

    /** The form's product of random operands at offsets, into a zero c: exactly the definition's. */
    private static void assertProduct(Form form, String what, String hint) {
        float[] a = KernelTestData.gaussian(form.ordinal() + 1, A_OFF + M * K);
        float[] b = KernelTestData.gaussian(form.ordinal() + 4, B_OFF + K * N);
        float[] c = new float[C_OFF + M * N + 4];
        multiply(form, a, b, c, false);
        Expect.close(what, expectedWithGuards(product(a, b, form), c.length), c, ATOL, RTOL, hint);
    }

    private static void assertAccumulates(Form form) {
        float[] a = KernelTestData.gaussian(11, A_OFF + M * K);
        float[] b = KernelTestData.gaussian(12, B_OFF + K * N);
        float[] before = expectedWithGuards(KernelTestData.gaussian(13, M * N), C_OFF + M * N);
        float[] c = before.clone();
        multiply(form, a, b, c, true);
        Expect.accumulated("c with accumulate = true", before, expectedWithGuards(product(a, b, form), c.length), c,
                ATOL, RTOL, "with accumulate the product is added to c (backward passes add into gradients)");
    }

    /** The exercise of {@code form}, with the test's sizes and offsets. */
    private static void multiply(Form form, float[] a, float[] b, float[] c, boolean accumulate) {
        switch (form) {
            case AB -> Matmul.referenceAb(a, A_OFF, b, B_OFF, c, C_OFF, M, K, N, accumulate);
            case ABT -> Matmul.referenceAbT(a, A_OFF, b, B_OFF, c, C_OFF, M, K, N, accumulate);
            case ATB -> Matmul.referenceATb(a, A_OFF, b, B_OFF, c, C_OFF, M, K, N, accumulate);
        }
    }
}
