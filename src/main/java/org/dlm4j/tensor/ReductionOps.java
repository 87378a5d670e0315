package org.dlm4j.tensor;

import org.dlm4j.exercise.Exercise;

/**
 * Sums and means. {@code sum(axis)} removes the axis: for shape (outer, n, inner) the result is
 * (outer, inner) with {@code y(o, i) = sum_j x(o, j, i)}; backward spreads g back: dx(o, j, i) += g(o, i).
 * The mean divides by n (or by the element count for the all-elements form).
 */
final class ReductionOps {
    private ReductionOps() {
    }

    static Tensor sum(Tensor x, int axis) {
        return reduce("sum", x, axis, false);
    }

    static Tensor mean(Tensor x, int axis) {
        return reduce("mean", x, axis, true);
    }

    static Tensor sumAll(Tensor x) {
        return reduceAll("sum", x, 1f);
    }

    static Tensor meanAll(Tensor x) {
        if (x.size() == 0) {
            throw new IllegalArgumentException("mean of an empty tensor");
        }
        return reduceAll("mean", x, 1f / x.size());
    }

    private static Tensor reduceAll(String name, Tensor x, float factor) {
        float[] in = x.data();
        double total = 0.0;
        for (float v : in) {
            total += v;
        }
        Tensor result = Tensor.result(new float[] {(float) (total * factor)}, new int[0], name, x);
        result.onBackward(() -> {
            float g = result.grad()[0] * factor;
            float[] dx = x.gradSink();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += g;
            }
        });
        return result;
    }

    /**
     * The reduction of x viewed as (outer, n, inner) over its middle axis:
     * {@code out[o*inner + i] = factor * sum over j of in[(o*n + j)*inner + i]}, summed in float with j
     * ascending ({@code factor} 1 for a sum, 1/n for a mean). The result is (outer, inner), row-major.
     */
    @Exercise("L02.4")
    static void sumAxis(float[] in, float[] out, int outer, int n, int inner, float factor) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum += in[(o * n + j) * inner + i];
                }
                out[o * inner + i] = sum * factor;
            }
        }
    }

    private static Tensor reduce(String name, Tensor x, int axis, boolean average) {
        int[] shape = x.shape();
        int a = x.axis(axis);
        int n = shape[a];
        if (average && n == 0) {
            throw new IllegalArgumentException("mean over axis " + axis + " of size 0");
        }
        int outer = StridedIndex.outer(shape, a);
        int inner = StridedIndex.inner(shape, a);
        float factor = average ? 1f / n : 1f;
        float[] in = x.data();
        float[] out = Workspace.floats(outer * inner);
        sumAxis(in, out, outer, n, inner, factor);
        int[] outShape = new int[shape.length - 1];
        System.arraycopy(shape, 0, outShape, 0, a);
        System.arraycopy(shape, a + 1, outShape, a, shape.length - a - 1);
        Tensor result = Tensor.result(out, outShape, name + "(axis " + a + ")", x);
        final int outerF = outer;
        final int innerF = inner;
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int o = 0; o < outerF; o++) {
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < innerF; i++) {
                        dx[(o * n + j) * innerF + i] += g[o * innerF + i] * factor;
                    }
                }
            }
        });
        return result;
    }
}
