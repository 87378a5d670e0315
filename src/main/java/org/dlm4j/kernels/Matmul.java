package org.dlm4j.kernels;

import org.dlm4j.exercise.Exercise;

/**
 * Matrix products over row-major {@code float[]} blocks, in the three transpositions a linear
 * layer's forward and backward need:
 * <pre>
 *   ab  : c(m,n) = a(m,k) · b(k,n)
 *   abT : c(m,n) = a(m,k) · b(n,k)ᵀ    forward of y = x Wᵀ (PyTorch's Linear layout), and da = dc · b
 *   aTb : c(m,n) = a(k,m)ᵀ · b(k,n)    weight gradient dW = dyᵀ x
 * </pre>
 * Each operand starts at an offset into its array, so a batch of matrices stored back to back is
 * multiplied by the {@code batch} overloads without copies. With {@code accumulate} the product is
 * added into {@code c} (how backward passes add into gradients); without it {@code c} is overwritten.
 *
 * <p>Dispatch: the reference triple loops below (the definition), or, when {@link KernelMode#fast()},
 * {@link FastMatmul}: packed, register-blocked Vector API code on the {@link Parallel} pool. Every
 * output element is summed inside one thread in an order fixed by constants, so results are
 * bit-identical for any thread count; the two paths differ only by rounding (the fast one uses fused
 * multiply-adds and adds k blocks of partial sums).
 *
 * <p>Bad sizes or offsets (negative, or reaching past an array's end) throw
 * {@link IllegalArgumentException}.
 */
public final class Matmul {
    private Matmul() {
    }

    /** c(m,n) (+)= a(m,k) · b(k,n). */
    public static void ab(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate) {
        checkProduct(a, aOff, b, bOff, c, cOff, m, k, n);
        FlopCounter.matmul(1, m, k, n);
        if (KernelMode.fast()) {
            FastMatmul.multiply(FastMatmul.Form.AB, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, true);
        } else {
            referenceAb(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        }
    }

    /** c(m,n) (+)= a(m,k) · b(n,k)ᵀ. */
    public static void abT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                           int m, int k, int n, boolean accumulate) {
        checkProduct(a, aOff, b, bOff, c, cOff, m, k, n);
        FlopCounter.matmul(1, m, k, n);
        if (KernelMode.fast()) {
            FastMatmul.multiply(FastMatmul.Form.ABT, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, true);
        } else {
            referenceAbT(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        }
    }

    /** c(m,n) (+)= a(k,m)ᵀ · b(k,n). */
    public static void aTb(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                           int m, int k, int n, boolean accumulate) {
        checkProduct(a, aOff, b, bOff, c, cOff, m, k, n);
        FlopCounter.matmul(1, m, k, n);
        if (KernelMode.fast()) {
            FastMatmul.multiply(FastMatmul.Form.ATB, a, aOff, b, bOff, c, cOff, m, k, n, accumulate, true);
        } else {
            referenceATb(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        }
    }

    /** {@code batch} independent products {@link #ab}, matrices stored back to back. */
    public static void ab(int batch, float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        checkBatch(batch, a, b, c, m, k, n);
        FlopCounter.matmul(batch, m, k, n);
        if (KernelMode.fast()) {
            FastMatmul.multiplyBatch(FastMatmul.Form.AB, batch, a, b, c, m, k, n, accumulate);
            return;
        }
        for (int i = 0; i < batch; i++) {
            referenceAb(a, i * m * k, b, i * k * n, c, i * m * n, m, k, n, accumulate);
        }
    }

    /** {@code batch} independent products {@link #abT}, matrices stored back to back. */
    public static void abT(int batch, float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        checkBatch(batch, a, b, c, m, k, n);
        FlopCounter.matmul(batch, m, k, n);
        if (KernelMode.fast()) {
            FastMatmul.multiplyBatch(FastMatmul.Form.ABT, batch, a, b, c, m, k, n, accumulate);
            return;
        }
        for (int i = 0; i < batch; i++) {
            referenceAbT(a, i * m * k, b, i * n * k, c, i * m * n, m, k, n, accumulate);
        }
    }

    /** {@code batch} independent products {@link #aTb}, matrices stored back to back. */
    public static void aTb(int batch, float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        checkBatch(batch, a, b, c, m, k, n);
        FlopCounter.matmul(batch, m, k, n);
        if (KernelMode.fast()) {
            FastMatmul.multiplyBatch(FastMatmul.Form.ATB, batch, a, b, c, m, k, n, accumulate);
            return;
        }
        for (int i = 0; i < batch; i++) {
            referenceATb(a, i * k * m, b, i * k * n, c, i * m * n, m, k, n, accumulate);
        }
    }

    private static void checkProduct(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                     int m, int k, int n) {
        if (m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException("matmul sizes must be non-negative, got m=" + m + " k=" + k + " n=" + n);
        }
        checkOperand("a", a, aOff, (long) m * k);
        checkOperand("b", b, bOff, (long) k * n);
        checkOperand("c", c, cOff, (long) m * n);
    }

    private static void checkBatch(int batch, float[] a, float[] b, float[] c, int m, int k, int n) {
        if (batch < 0 || m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException("matmul batch and sizes must be non-negative, got batch=" + batch
                    + " m=" + m + " k=" + k + " n=" + n);
        }
        checkOperand("a", a, 0, (long) batch * m * k);
        checkOperand("b", b, 0, (long) batch * k * n);
        checkOperand("c", c, 0, (long) batch * m * n);
    }

    private static void checkOperand(String name, float[] array, int offset, long size) {
        if (offset < 0 || offset + size > array.length) {
            throw new IllegalArgumentException("matmul operand " + name + " needs " + size + " floats from offset "
                    + offset + " but its array has " + array.length);
        }
    }

    // ---- reference loops: one dot product per output element, k ascending ----

    /**
     * c(m,n) (+)= a(m,k) · b(k,n), all row-major: element (i, p) of a is {@code a[aOff + i*k + p]}, (p, j)
     * of b is {@code b[bOff + p*n + j]}, (i, j) of c is {@code c[cOff + i*n + j]}. Each c(i, j) is one dot
     * product summed in float with p ascending; with {@code accumulate} it is added to c(i, j), otherwise
     * it replaces it. Nothing outside the m·n window of c is written.
     */
    @Exercise("L01.1")
    static void referenceAb(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                            int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + i * k + p] * b[bOff + p * n + j];
                }
                c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + sum : sum;
            }
        }
    }

    /**
     * c(m,n) (+)= a(m,k) · b(n,k)ᵀ: as {@link #referenceAb}, but b is stored (n, k), so element (p, j) of
     * bᵀ is {@code b[bOff + j*k + p]}. Row i of a meets row j of b: the forward of a linear layer.
     */
    @Exercise("L01.2")
    static void referenceAbT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                             int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + i * k + p] * b[bOff + j * k + p];
                }
                c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + sum : sum;
            }
        }
    }

    /**
     * c(m,n) (+)= a(k,m)ᵀ · b(k,n): as {@link #referenceAb}, but a is stored (k, m), so element (i, p) of
     * aᵀ is {@code a[aOff + p*m + i]}. Column i of a meets column j of b: a linear layer's weight gradient.
     */
    @Exercise("L01.3")
    static void referenceATb(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                             int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + p * m + i] * b[bOff + p * n + j];
                }
                c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + sum : sum;
            }
        }
    }
}
