package org.dlm4j.tensor;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;

/**
 * Trailing-dimension broadcasting (NumPy's rule): shapes are aligned at their last axes; a missing
 * axis or an axis of size 1 stretches to the other size; any other mismatch is an error.
 *
 * <p>For an output element at flat index i, {@link #indexA}[i] and {@link #indexB}[i] give the flat
 * indices of the inputs that produced it. Backward uses the same maps to add gradients, which
 * sums over broadcast axes automatically.
 */
final class Broadcast {
    final int[] shape;
    final int size;
    private final int[] indexA;
    private final int[] indexB;
    private final int sizeA;
    private final int sizeB;
    private final boolean suffixB;

    private Broadcast(int[] shape, int[] indexA, int[] indexB, int sizeA, int sizeB, boolean suffixB) {
        this.shape = shape;
        this.size = Tensor.checkShape(shape);
        this.indexA = indexA;
        this.indexB = indexB;
        this.sizeA = sizeA;
        this.sizeB = sizeB;
        this.suffixB = suffixB;
    }

    static Broadcast of(String op, int[] a, int[] b) {
        int[] out = shape(op, a, b);
        int sizeA = Tensor.checkShape(a);
        int sizeB = Tensor.checkShape(b);
        int size = Tensor.checkShape(out);
        // Fast path: a has the full shape and b's shape is a suffix of it (bias, scalar, same shape).
        if (sizeA == size && isSuffix(b, out)) {
            return new Broadcast(out, null, null, sizeA, sizeB, true);
        }
        return new Broadcast(out, indexMap(a, out), indexMap(b, out), sizeA, sizeB, false);
    }

    /**
     * The broadcast shape of {@code a} and {@code b}: align them at their last axes (a missing leading
     * axis counts as size 1); on each axis the sizes must be equal or one of them 1, and the result takes
     * the larger. (2, 1, 3) and (4, 1) give (2, 4, 3); a scalar () and (3) give (3). A mismatch is an
     * {@link IllegalArgumentException} naming {@code op}, both shapes and the axis of the result.
     */
    @Exercise("L02.1")
    static int[] shape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = sizeAt(a, i - rank + a.length);
            int db = sizeAt(b, i - rank + b.length);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    int indexA(int i) {
        return suffixB ? i : indexA[i];
    }

    int indexB(int i) {
        return suffixB ? (sizeB == 0 ? 0 : i % sizeB) : indexB[i];
    }

    int sizeA() {
        return sizeA;
    }

    int sizeB() {
        return sizeB;
    }

    private static int sizeAt(int[] shape, int axis) {
        return axis < 0 ? 1 : shape[axis];
    }

    private static boolean isSuffix(int[] b, int[] out) {
        int offset = out.length - b.length;
        for (int i = 0; i < b.length; i++) {
            if (b[i] != out[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * For every flat row-major index of the broadcast shape {@code out}, the flat index of the element of
     * an input of shape {@code in} that it reads. Each axis of {@code out} gets the stride it has in the
     * input (the product of the input's sizes after it), except that an axis the input does not have, or
     * has with size 1, gets stride 0: moving along it reads the same element again. {@link
     * StridedIndex#gatherMap} turns the strides into the map.
     */
    @Exercise("L02.2")
    static int[] indexMap(int[] in, int[] out) {
        int rank = out.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int inAxis = i - rank + in.length;
            int d = sizeAt(in, inAxis);
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return StridedIndex.gatherMap(out, strides);
    }
}
