package org.dlm4j.tensor;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Elementwise;

/**
 * Elementwise ops. Binary ops broadcast their inputs ({@link Broadcast}); their backward adds the
 * local derivative times the output gradient back through the same index maps, which sums the
 * gradient over every broadcast axis.
 * <pre>
 *   add: da += g, db += g          sub: da += g, db -= g
 *   mul: da += g b, db += g a      div: da += g / b, db -= g a / b^2
 *   exp: dx += g e^x               log: dx += g / x          tanh: dx += g (1 - tanh^2)
 * </pre>
 */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    /** A binary op's value, or one of its local derivatives, at one element. */
    interface Binary {
        float apply(float a, float b);
    }

    static Tensor add(Tensor a, Tensor b) {
        if (Arrays.equals(a.shape(), b.shape())) {
            return residualAdd(a, b);
        }
        if (isTrailingPart(b, a)) {
            return rowBroadcastAdd(a, b, a);
        }
        if (isTrailingPart(a, b)) {
            return rowBroadcastAdd(b, a, a);
        }
        return binary("add", a, b, (x, y) -> x + y, (x, y) -> 1f, (x, y) -> 1f);
    }

    /** Same-shape add (the residual stream's x + f(x)) through the flat kernel. */
    private static Tensor residualAdd(Tensor a, Tensor b) {
        float[] out = Workspace.overwritten(a.size());
        Elementwise.addForward(a.data(), b.data(), out, out.length);
        Tensor result = Tensor.result(out, a.shape(), "add", a, b);
        result.onBackward(() -> Elementwise.addBackward(result.grad(), a.gradSink(), b.gradSink(), out.length));
        return result;
    }

    /** Whether {@code part}'s shape is a non-empty suffix of {@code whole}'s (e.g. (T, C) of (B, T, C)). */
    private static boolean isTrailingPart(Tensor part, Tensor whole) {
        int[] p = part.shape();
        int[] w = whole.shape();
        return p.length >= 1 && p.length < w.length && part.size() > 0
                && Arrays.equals(p, 0, p.length, w, w.length - p.length, w.length);
    }

    /**
     * full + part repeated over the leading axes (a bias, or the position table added to every
     * sequence), through the bias-add kernel: rows = full.size / part.size, cols = part.size.
     * {@code first} is the left operand, recorded first among the parents.
     */
    private static Tensor rowBroadcastAdd(Tensor full, Tensor part, Tensor first) {
        int cols = part.size();
        int rows = full.size() / cols;
        float[] out = Workspace.overwritten(full.size());
        Elementwise.biasAddForward(full.data(), part.data(), out, rows, cols);
        Tensor result = first == full ? Tensor.result(out, full.shape(), "add", full, part)
                : Tensor.result(out, full.shape(), "add", part, full);
        result.onBackward(() -> Elementwise.biasAddBackward(result.grad(), full.gradSink(), part.gradSink(), rows, cols));
        return result;
    }

    static Tensor sub(Tensor a, Tensor b) {
        return binary("sub", a, b, (x, y) -> x - y, (x, y) -> 1f, (x, y) -> -1f);
    }

    static Tensor mul(Tensor a, Tensor b) {
        return binary("mul", a, b, (x, y) -> x * y, (x, y) -> y, (x, y) -> x);
    }

    static Tensor div(Tensor a, Tensor b) {
        return binary("div", a, b, (x, y) -> x / y, (x, y) -> 1f / y, (x, y) -> -x / (y * y));
    }

    static Tensor exp(Tensor x) {
        float[] in = x.data();
        float[] out = Workspace.floats(in.length);
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.exp(in[i]);
        }
        Tensor result = Tensor.result(out, x.shape(), "exp", x);
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int i = 0; i < out.length; i++) {
                dx[i] += g[i] * out[i];
            }
        });
        return result;
    }

    static Tensor log(Tensor x) {
        float[] in = x.data();
        float[] out = Workspace.floats(in.length);
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.log(in[i]);
        }
        Tensor result = Tensor.result(out, x.shape(), "log", x);
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int i = 0; i < out.length; i++) {
                dx[i] += g[i] / in[i];
            }
        });
        return result;
    }

    static Tensor tanh(Tensor x) {
        float[] in = x.data();
        float[] out = Workspace.floats(in.length);
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
        Tensor result = Tensor.result(out, x.shape(), "tanh", x);
        result.onBackward(() -> {
            float[] g = result.grad();
            float[] dx = x.gradSink();
            for (int i = 0; i < out.length; i++) {
                dx[i] += g[i] * (1f - out[i] * out[i]);
            }
        });
        return result;
    }

    private static Tensor binary(String name, Tensor a, Tensor b, Binary value, Binary dA, Binary dB) {
        Broadcast map = Broadcast.of(name, a.shape(), b.shape());
        float[] x = a.data();
        float[] y = b.data();
        float[] out = Workspace.floats(map.size);
        for (int i = 0; i < out.length; i++) {
            out[i] = value.apply(x[map.indexA(i)], y[map.indexB(i)]);
        }
        Tensor result = Tensor.result(out, map.shape, name, a, b);
        result.onBackward(() -> binaryBackward(map, x, y, result.grad(), a.gradSink(), b.gradSink(), dA, dB));
        return result;
    }

    /**
     * The backward step of a broadcasting binary op out = f(a, b): for every output element i, with
     * ia = {@code map.indexA(i)} and ib = {@code map.indexB(i)},
     * <pre>
     *   ga[ia] += g[i] * dA(x[ia], y[ib])        gb[ib] += g[i] * dB(x[ia], y[ib])
     * </pre>
     * {@code x}, {@code y} are the inputs' data, {@code g} the output's gradient ({@code map.size}
     * values), {@code ga}, {@code gb} the inputs' gradients, either null when that input needs none.
     * A broadcast input element feeds many outputs, so its gradient is the sum of all their
     * contributions: the updates add, and never overwrite.
     */
    @Exercise("L03.3")
    static void binaryBackward(Broadcast map, float[] x, float[] y, float[] g, float[] ga, float[] gb, Binary dA,
                               Binary dB) {
        for (int i = 0; i < map.size; i++) {
            int ia = map.indexA(i);
            int ib = map.indexB(i);
            if (ga != null) {
                ga[ia] += g[i] * dA.apply(x[ia], y[ib]);
            }
            if (gb != null) {
                gb[ib] += g[i] * dB.apply(x[ia], y[ib]);
            }
        }
    }
}
