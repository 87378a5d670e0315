package org.dlm4j.kernels;

/**
 * Elementwise kernels of the residual stream: {@code out = a + b} (residual add) and
 * {@code out(r, c) = x(r, c) + bias(c)} (bias add after a matrix product).
 *
 * <p>Backward methods ADD into their gradient arrays; a {@code null} gradient array is skipped.
 * The bias gradient sums over rows in increasing row order for each column, so it is the same
 * for any thread count (fast mode splits the columns, never the rows, of that sum).
 */
public final class Elementwise {
    /** Below this many elements a loop stays on the calling thread. */
    private static final int MIN_CHUNK = 1 << 14;

    private Elementwise() {
    }

    /** out[i] = a[i] + b[i] for i in [0, n). {@code out} may alias {@code a} or {@code b}. */
    public static void addForward(float[] a, float[] b, float[] out, int n) {
        if (KernelMode.fast()) {
            Parallel.forRange(n, MIN_CHUNK, (start, end) -> addRange(a, b, out, start, end));
        } else {
            addRange(a, b, out, 0, n);
        }
    }

    /** da += dout, db += dout (either may be null). */
    public static void addBackward(float[] dout, float[] da, float[] db, int n) {
        for (int i = 0; i < n; i++) {
            if (da != null) {
                da[i] += dout[i];
            }
            if (db != null) {
                db[i] += dout[i];
            }
        }
    }

    /** out(r, c) = x(r, c) + bias(c); x and out are (rows, cols), bias is (cols). {@code out} may alias {@code x}. */
    public static void biasAddForward(float[] x, float[] bias, float[] out, int rows, int cols) {
        Parallel.RangeBody body = (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    out[base + c] = x[base + c] + bias[c];
                }
            }
        };
        if (KernelMode.fast()) {
            Parallel.forRange(rows, Math.max(1, MIN_CHUNK / Math.max(1, cols)), body);
        } else {
            body.run(0, rows);
        }
    }

    /** dx += dout; dbias(c) += sum over rows of dout(r, c). Either gradient may be null. */
    public static void biasAddBackward(float[] dout, float[] dx, float[] dbias, int rows, int cols) {
        if (dx != null) {
            addBackward(dout, dx, null, rows * cols);
        }
        if (dbias == null) {
            return;
        }
        Parallel.RangeBody columns = (start, end) -> {
            for (int c = start; c < end; c++) {
                float sum = 0f;
                for (int r = 0; r < rows; r++) {
                    sum += dout[r * cols + c];
                }
                dbias[c] += sum;
            }
        };
        if (KernelMode.fast()) {
            Parallel.forRange(cols, 64, columns);
        } else {
            columns.run(0, cols);
        }
    }

    private static void addRange(float[] a, float[] b, float[] out, int start, int end) {
        for (int i = start; i < end; i++) {
            out[i] = a[i] + b[i];
        }
    }
}
