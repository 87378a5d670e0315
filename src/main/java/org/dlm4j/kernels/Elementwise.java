package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels of the residual stream: {@code out = a + b} (residual add) and
 * {@code out(r, c) = x(r, c) + bias(c)} (bias add after a matrix product).
 *
 * <p>Backward methods ADD into their gradient arrays; a {@code null} gradient array is skipped.
 * The bias gradient sums over rows in increasing row order for each column, so it is the same
 * for any thread count (fast mode splits the columns, never the rows, of that sum).
 *
 * <p>Fast mode runs the same sums on vectors: every element is one float addition either way, and
 * the bias gradient adds rows in the same order, so fast and reference results are bit-identical.
 */
public final class Elementwise {
    /** Below this many elements a loop stays on the calling thread. */
    private static final int MIN_CHUNK = 1 << 14;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

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
        if (KernelMode.fast()) {
            Parallel.forRange(n, MIN_CHUNK, (start, end) -> {
                accumulateRange(dout, da, start, end);
                accumulateRange(dout, db, start, end);
            });
            return;
        }
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
                if (KernelMode.fast()) {
                    addVectors(x, base, bias, 0, out, base, cols);
                    continue;
                }
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
            int vectors = (cols + LANES - 1) / LANES;
            Parallel.forRange(vectors, Math.max(1, 64 / LANES),
                    (start, end) -> columnSums(dout, dbias, rows, cols, start * LANES, Math.min(cols, end * LANES)));
        } else {
            columns.run(0, cols);
        }
    }

    private static void addRange(float[] a, float[] b, float[] out, int start, int end) {
        if (KernelMode.fast()) {
            addVectors(a, start, b, start, out, start, end - start);
            return;
        }
        for (int i = start; i < end; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /** out[o + i] = a[ai + i] + b[bi + i] for i in [0, n), on vectors. */
    private static void addVectors(float[] a, int ai, float[] b, int bi, float[] out, int o, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector.fromArray(SPECIES, a, ai + i).add(FloatVector.fromArray(SPECIES, b, bi + i))
                    .intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector.fromArray(SPECIES, a, ai + i, m).add(FloatVector.fromArray(SPECIES, b, bi + i, m))
                    .intoArray(out, o + i, m);
        }
    }

    /** target[i] += source[i] over [start, end); nothing when target is null. */
    private static void accumulateRange(float[] source, float[] target, int start, int end) {
        if (target != null) {
            addVectors(target, start, source, start, target, start, end - start);
        }
    }

    /**
     * dbias[c] += sum over rows, in row order, of dout(r, c) for c in [c0, c1): each column's sum is
     * the reference's, one row at a time, with a vector of columns per addition.
     */
    private static void columnSums(float[] dout, float[] dbias, int rows, int cols, int c0, int c1) {
        float[] sums = new float[c1 - c0];
        for (int r = 0; r < rows; r++) {
            addVectors(sums, 0, dout, r * cols + c0, sums, 0, c1 - c0);
        }
        addVectors(dbias, c0, sums, 0, dbias, c0, c1 - c0);
    }
}
