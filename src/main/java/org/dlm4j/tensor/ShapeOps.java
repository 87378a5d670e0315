package org.dlm4j.tensor;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;

/**
 * Ops that move elements without changing them.
 * <ul>
 *   <li>{@code reshape}: same row-major data under a new shape (the array is shared, no copy);
 *       the gradient passes through unchanged.</li>
 *   <li>{@code transpose(a0, a1)}: a copy with two axes swapped; backward swaps them back.</li>
 *   <li>{@code narrow(axis, start, length)}: a copy of a slice of one axis; backward adds the
 *       gradient into that slice.</li>
 * </ul>
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static Tensor reshape(Tensor x, int[] requested) {
        int[] shape = requested.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: only one size may be -1, got " + Arrays.toString(requested));
                }
                inferred = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(requested));
            } else {
                known *= shape[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(requested)
                        + " for " + x.size() + " elements");
            }
            shape[inferred] = (int) (x.size() / known);
            known *= shape[inferred];
        }
        if (known != x.size()) {
            throw new IllegalArgumentException("reshape: shape " + Arrays.toString(x.shape()) + " (" + x.size()
                    + " elements) cannot become " + Arrays.toString(requested));
        }
        Tensor result = Tensor.result(x.data(), shape, "reshape", x);
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int i = 0; i < g.length; i++) {
                dx[i] += g[i];
            }
        });
        return result;
    }

    static Tensor transpose(Tensor x, int axis0, int axis1) {
        int a0 = x.axis(axis0);
        int a1 = x.axis(axis1);
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        outShape[a0] = shape[a1];
        outShape[a1] = shape[a0];
        int[] source = sourceIndex(shape, a0, a1);
        float[] in = x.data();
        float[] out = Workspace.floats(in.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = in[source[i]];
        }
        Tensor result = Tensor.result(out, outShape, "transpose", x);
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int i = 0; i < g.length; i++) {
                dx[source[i]] += g[i];
            }
        });
        return result;
    }

    static Tensor narrow(Tensor x, int axis, int start, int length) {
        int a = x.axis(axis);
        int[] shape = x.shape();
        if (start < 0 || length < 0 || start + length > shape[a]) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") is outside axis "
                    + a + " of size " + shape[a]);
        }
        int outer = StridedIndex.outer(shape, a);
        int inner = StridedIndex.inner(shape, a);
        int n = shape[a];
        int[] outShape = shape.clone();
        outShape[a] = length;
        float[] in = x.data();
        float[] out = Workspace.floats(outer * length * inner);
        int block = length * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(in, (o * n + start) * inner, out, o * block, block);
        }
        Tensor result = Tensor.result(out, outShape, "narrow", x);
        final int outerF = outer;
        final int innerF = inner;
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int o = 0; o < outerF; o++) {
                int src = o * block;
                int dst = (o * n + start) * innerF;
                for (int i = 0; i < block; i++) {
                    dx[dst + i] += g[src + i];
                }
            }
        });
        return result;
    }

    /**
     * For each flat row-major index of x transposed (axes {@code a0} and {@code a1} of {@code shape}
     * swapped), the flat index of the same element in x. The transposed tensor's axis a0 walks x's axis
     * a1 and the other way round, so its strides are x's row-major strides with those two swapped;
     * {@link StridedIndex#gatherMap} turns them into the map.
     */
    @Exercise("L02.3")
    static int[] sourceIndex(int[] shape, int a0, int a1) {
        int rank = shape.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        int[] outShape = shape.clone();
        outShape[a0] = shape[a1];
        outShape[a1] = shape[a0];
        int[] outStrides = strides.clone(); // stride in x of each output axis
        outStrides[a0] = strides[a1];
        outStrides[a1] = strides[a0];
        return StridedIndex.gatherMap(outShape, outStrides);
    }
}
