package org.dlm4j.tensor;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Elementwise;
import org.dlm4j.kernels.Matmul;

/**
 * Matrix products, computed by {@link Matmul}.
 * <pre>
 *   matmul: C = A B        dA += dC Bᵀ,  dB += Aᵀ dC        (per batch entry)
 *   linear: Y = X Wᵀ + b   dX += dY W,   dW += dYᵀ X,  db += sum_rows dY
 * </pre>
 * {@code matmul} takes (..., m, k) x (..., k, n) with equal leading dims, or (..., m, k) x (k, n)
 * where the rank-2 right operand is shared by every batch entry (its gradient sums over them).
 * {@code linear} uses PyTorch's layout, weight (out, in), so no transpose is materialised.
 */
final class MatmulOp {
    private MatmulOp() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (sa.length < 2 || sb.length < 2) {
            throw new IllegalArgumentException("matmul needs rank >= 2 operands, got " + Arrays.toString(sa)
                    + " and " + Arrays.toString(sb));
        }
        int m = sa[sa.length - 2];
        int k = sa[sa.length - 1];
        int kb = sb[sb.length - 2];
        int n = sb[sb.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner sizes differ: " + Arrays.toString(sa) + " x "
                    + Arrays.toString(sb));
        }
        int[] outShape = sa.clone();
        outShape[outShape.length - 1] = n;
        if (sb.length == 2) {
            return sharedRight(a, b, outShape, Tensor.checkShape(Arrays.copyOf(sa, sa.length - 1)), k, n);
        }
        if (sa.length != sb.length || !Arrays.equals(sa, 0, sa.length - 2, sb, 0, sb.length - 2)) {
            throw new IllegalArgumentException("matmul: batch dims differ: " + Arrays.toString(sa) + " x "
                    + Arrays.toString(sb) + " (they must be equal, or the right operand rank 2)");
        }
        int batch = 1;
        for (int i = 0; i < sa.length - 2; i++) {
            batch *= sa[i];
        }
        float[] out = Workspace.overwritten(batch * m * n);
        Matmul.ab(batch, a.data(), b.data(), out, m, k, n, false);
        Tensor result = Tensor.result(out, outShape, "matmul", a, b);
        final int batchF = batch;
        result.onBackward(() -> {
            float[] g = result.grad();
            if (a.gradSink() != null) {
                Matmul.abT(batchF, g, b.data(), a.gradSink(), m, n, k, true);
            }
            if (b.gradSink() != null) {
                Matmul.aTb(batchF, a.data(), g, b.gradSink(), k, m, n, true);
            }
        });
        return result;
    }

    /** (rows, k) x (k, n) where rows folds every leading dim of a. */
    private static Tensor sharedRight(Tensor a, Tensor b, int[] outShape, int rows, int k, int n) {
        float[] out = Workspace.overwritten(rows * n);
        Matmul.ab(a.data(), 0, b.data(), 0, out, 0, rows, k, n, false);
        Tensor result = Tensor.result(out, outShape, "matmul", a, b);
        result.onBackward(() -> {
            float[] g = result.grad();
            if (a.gradSink() != null) {
                Matmul.abT(g, 0, b.data(), 0, a.gradSink(), 0, rows, n, k, true);
            }
            if (b.gradSink() != null) {
                Matmul.aTb(a.data(), 0, g, 0, b.gradSink(), 0, k, rows, n, true);
            }
        });
        return result;
    }

    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int[] sx = x.shape();
        int[] sw = weight.shape();
        if (sx.length < 1 || sw.length != 2 || sx[sx.length - 1] != sw[1]) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(sx) + " does not match weight "
                    + Arrays.toString(sw) + " (expected (..., in) and (out, in))");
        }
        int in = sw[1];
        int outFeatures = sw[0];
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != outFeatures)) {
            throw new IllegalArgumentException("linear: bias shape " + Arrays.toString(bias.shape())
                    + " must be (" + outFeatures + ")");
        }
        int rows = Tensor.checkShape(Arrays.copyOf(sx, sx.length - 1));
        int[] outShape = sx.clone();
        outShape[outShape.length - 1] = outFeatures;
        float[] out = Workspace.overwritten(rows * outFeatures);
        Matmul.abT(x.data(), 0, weight.data(), 0, out, 0, rows, in, outFeatures, false);
        if (bias != null) {
            Elementwise.biasAddForward(out, bias.data(), out, rows, outFeatures);
        }
        Tensor result = bias == null
                ? Tensor.result(out, outShape, "linear", x, weight)
                : Tensor.result(out, outShape, "linear", x, weight, bias);
        result.onBackward(() -> linearBackward(result.grad(), x.data(), weight.data(), x.gradSink(),
                weight.gradSink(), bias == null ? null : bias.gradSink(), rows, in, outFeatures));
        return result;
    }

    /**
     * The backward step of Y = X Wᵀ + b, with g = dY (rows, out), x (rows, in), weight (out, in):
     * <pre>
     *   dx += g · W          (rows, in)     Matmul.ab
     *   dW += gᵀ · x         (out, in)      Matmul.aTb
     *   db += sum over rows of g   (out)     Elementwise.biasAddBackward
     * </pre>
     * Each of {@code dx}, {@code dweight}, {@code dbias} may be null (that input needs no gradient, or
     * there is no bias) and is then skipped. All three are added into, never overwritten.
     */
    @Exercise("L03.4")
    static void linearBackward(float[] g, float[] x, float[] weight, float[] dx, float[] dweight, float[] dbias,
                               int rows, int in, int out) {
        if (dx != null) {
            Matmul.ab(g, 0, weight, 0, dx, 0, rows, out, in, true);
        }
        if (dweight != null) {
            Matmul.aTb(g, 0, x, 0, dweight, 0, out, rows, in, true);
        }
        if (dbias != null) {
            Elementwise.biasAddBackward(g, null, dbias, rows, out);
        }
    }
}
