package org.dlm4j.kernels;

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
 * <p>Dispatch: the reference triple loops below, or the fast kernel when {@link KernelMode#fast()}.
 * The sum over k always runs in increasing order of k inside one thread, so results do not depend
 * on the thread count.
 */
public final class Matmul {
    private Matmul() {
    }

    /** c(m,n) (+)= a(m,k) · b(k,n). */
    public static void ab(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate) {
        referenceAb(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    /** c(m,n) (+)= a(m,k) · b(n,k)ᵀ. */
    public static void abT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                           int m, int k, int n, boolean accumulate) {
        referenceAbT(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    /** c(m,n) (+)= a(k,m)ᵀ · b(k,n). */
    public static void aTb(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                           int m, int k, int n, boolean accumulate) {
        referenceATb(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    /** {@code batch} independent products {@link #ab}, matrices stored back to back. */
    public static void ab(int batch, float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < batch; i++) {
            ab(a, i * m * k, b, i * k * n, c, i * m * n, m, k, n, accumulate);
        }
    }

    /** {@code batch} independent products {@link #abT}, matrices stored back to back. */
    public static void abT(int batch, float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < batch; i++) {
            abT(a, i * m * k, b, i * n * k, c, i * m * n, m, k, n, accumulate);
        }
    }

    /** {@code batch} independent products {@link #aTb}, matrices stored back to back. */
    public static void aTb(int batch, float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < batch; i++) {
            aTb(a, i * k * m, b, i * k * n, c, i * m * n, m, k, n, accumulate);
        }
    }

    // ---- reference loops: one dot product per output element, k ascending ----

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
