package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Sums in two passes with {@link KernelContext} (TornadoVM's {@code @Reduce} gives wrong results on
 * PoCL for more than one work-group, and OpenCL has no float atomics):
 * <pre>
 *   pass 1: partial[g] = sum of f(x_i) over the GROUP elements of work-group g (a tree in local memory)
 *   pass 2: out[index] = sum over g, ascending, of partial[g]          (one work-item)
 * </pre>
 * with f(x) = x for the loss and x^2 for the gradient norm. The order is fixed by the group size,
 * so the result is the same on every run. The CPU sums in double; these float sums differ from it
 * by about sqrt(n) float epsilons, relative.
 */
public final class ReductionKernels {
    /** Work-items per group of pass 1 (a compile-time constant: it sizes the local array). */
    public static final int GROUP = 256;

    private ReductionKernels() {
    }

    /** The number of partial sums pass 1 writes for {@code n} elements. */
    public static int groups(int n) {
        return (n + GROUP - 1) / GROUP;
    }

    /** partial[g] = sum of x (squared when {@code square} is 1) over [offset + g*GROUP, ...) within [offset, offset + n). */
    public static void partialSums(KernelContext context, FloatArray x, int offset, int n, int square,
                                   FloatArray partial) {
        float[] scratch = context.allocateFloatLocalArray(GROUP);
        int lid = context.localIdx;
        int gid = context.globalIdx;
        float value = gid < n ? x.get(offset + gid) : 0f;
        scratch[lid] = square == 1 ? value * value : value;
        for (int stride = GROUP / 2; stride > 0; stride /= 2) {
            context.localBarrier();
            if (lid < stride) {
                scratch[lid] = scratch[lid] + scratch[lid + stride];
            }
        }
        if (lid == 0) {
            partial.set(context.groupIdx, scratch[0]);
        }
    }

    /** out[index] = sum of partial[0 .. count), in order, by work-item 0. */
    public static void finalSum(KernelContext context, FloatArray partial, int count, FloatArray out, int index) {
        if (context.globalIdx == 0) {
            float sum = 0f;
            for (int g = 0; g < count; g++) {
                sum = sum + partial.get(g);
            }
            out.set(index, sum);
        }
    }
}
