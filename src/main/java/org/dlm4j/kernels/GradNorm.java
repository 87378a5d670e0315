package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;

import static org.dlm4j.kernels.VectorMath.LANES;
import static org.dlm4j.kernels.VectorMath.SPECIES;

/**
 * The two passes of global gradient-norm clipping ({@code torch.nn.utils.clip_grad_norm_}):
 * {@code sum_i g_i²} over every gradient, then {@code g_i *= scale} when the norm is too large.
 *
 * <p>The reference sum accumulates every square in double. The fast sum cuts the array into fixed
 * blocks of {@link #BLOCK} floats, sums each block's squares in float vector lanes (FMA, lanes added
 * in a fixed order), then adds the block sums in double in block order: the bits depend on the
 * block size only, not on the thread count. Over a 4096-float block the float sum is within about
 * 1e-4 relative of the double one, far inside what a clipping threshold can tell apart.
 */
public final class GradNorm {

    /** Floats per block of the fast sum of squares: a fixed constant, so the result is thread-count free. */
    static final int BLOCK = 4096;
    /** Below this many elements a loop stays on the calling thread. */
    private static final int MIN_CHUNK = 1 << 15;

    private GradNorm() {
    }

    /** sum over i of x[i]², in double. */
    public static double sumOfSquares(float[] x) {
        if (!KernelMode.fast()) {
            double sum = 0;
            for (float g : x) {
                sum += (double) g * g;
            }
            return sum;
        }
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        if (blocks == 1) {
            return blockSumOfSquares(x, 0);
        }
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, Math.max(1, MIN_CHUNK / BLOCK), (start, end) -> {
            for (int b = start; b < end; b++) {
                partial[b] = blockSumOfSquares(x, b);
            }
        });
        double sum = 0;
        for (double p : partial) {
            sum += p;
        }
        return sum;
    }

    /** x[i] *= scale for every i (each element independent: fast and reference give the same bits). */
    public static void scale(float[] x, float scale) {
        if (!KernelMode.fast()) {
            for (int i = 0; i < x.length; i++) {
                x[i] *= scale;
            }
            return;
        }
        Parallel.forRange(x.length, MIN_CHUNK, (start, end) -> {
            int i = start;
            for (; i + LANES <= end; i += LANES) {
                FloatVector.fromArray(SPECIES, x, i).mul(scale).intoArray(x, i);
            }
            for (; i < end; i++) {
                x[i] *= scale;
            }
        });
    }

    /** The float sum of squares of block {@code b}, lanes first, then the tail. */
    private static double blockSumOfSquares(float[] x, int b) {
        int start = b * BLOCK;
        int end = Math.min(x.length, start + BLOCK);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = start;
        for (; i + LANES <= end; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            acc = v.fma(v, acc);
        }
        float sum = VectorMath.sum(acc);
        for (; i < end; i++) {
            sum = Math.fma(x[i], x[i], sum);
        }
        return sum;
    }
}
