package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The three matrix products of a Linear layer, tiled in local memory ({@code org.dlm4j.kernels.Matmul}'s
 * twin). With X (M, K) the input, W (N, K) the weight in PyTorch's (out, in) layout and dY (M, N):
 * <pre>
 *   abT:  Y  = X Wᵀ (+ b)     Y[i, j]  = sum_k X[i, k] W[j, k]       forward
 *   ab:   dX = dY W           dX[i, k] = sum_j dY[i, j] W[j, k]      input gradient
 *   aTb:  dW = dYᵀ X          dW[j, k] = sum_i dY[i, j] X[i, k]      weight gradient
 * </pre>
 * A work-group of {@link #TILE} x {@link #TILE} work-items computes a TILE x TILE block of the
 * output: for each TILE-wide slice of the inner dimension it loads one tile of each operand into
 * local memory (each work-item one element of each), waits, and accumulates. The local arrays'
 * sizes are a compile-time constant, as OpenCL needs. Work-item x is the output column, y the row;
 * the grid is the output rounded up to whole tiles, and work-items outside it load zeros and write
 * nothing. Every output element is a sum in ascending k, computed by one work-item.
 */
public final class MatmulKernels {
    /** The tile edge; the work-group is TILE x TILE. */
    public static final int TILE = 16;

    private MatmulKernels() {
    }

    /** The grid edge for {@code n} outputs: n rounded up to whole tiles. */
    public static int roundUp(int n) {
        return (n + TILE - 1) / TILE * TILE;
    }

    /** out[i, j] = sum_k a[i, k] b[j, k] (+ bias[j] when {@code biasOffset >= 0}); a (m, k), b (n, k), out (m, n). */
    public static void abT(KernelContext context, FloatArray a, int aOffset, FloatArray b, int bOffset,
                           int biasOffset, FloatArray out, int outOffset, int m, int k, int n) {
        float[] tileA = context.allocateFloatLocalArray(TILE * TILE);
        float[] tileB = context.allocateFloatLocalArray(TILE * TILE);
        int lx = context.localIdx;
        int ly = context.localIdy;
        int row = context.groupIdy * TILE + ly;
        int col = context.groupIdx * TILE + lx;
        int rowB = context.groupIdx * TILE + ly;
        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            tileA[ly * TILE + lx] = row < m && t + lx < k ? a.get(aOffset + row * k + t + lx) : 0f;
            tileB[ly * TILE + lx] = rowB < n && t + lx < k ? b.get(bOffset + rowB * k + t + lx) : 0f;
            context.localBarrier();
            for (int q = 0; q < TILE; q++) {
                sum = sum + tileA[ly * TILE + q] * tileB[lx * TILE + q];
            }
            context.localBarrier();
        }
        if (row < m && col < n) {
            float bias = biasOffset >= 0 ? b.get(biasOffset + col) : 0f;
            out.set(outOffset + row * n + col, sum + bias);
        }
    }

    /** out[i, j] = sum_q a[i, q] b[q, j]; a (m, k), b (k, n), out (m, n). */
    public static void ab(KernelContext context, FloatArray a, int aOffset, FloatArray b, int bOffset,
                          FloatArray out, int outOffset, int m, int k, int n) {
        float[] tileA = context.allocateFloatLocalArray(TILE * TILE);
        float[] tileB = context.allocateFloatLocalArray(TILE * TILE);
        int lx = context.localIdx;
        int ly = context.localIdy;
        int row = context.groupIdy * TILE + ly;
        int col = context.groupIdx * TILE + lx;
        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            tileA[ly * TILE + lx] = row < m && t + lx < k ? a.get(aOffset + row * k + t + lx) : 0f;
            tileB[ly * TILE + lx] = t + ly < k && col < n ? b.get(bOffset + (t + ly) * n + col) : 0f;
            context.localBarrier();
            for (int q = 0; q < TILE; q++) {
                sum = sum + tileA[ly * TILE + q] * tileB[q * TILE + lx];
            }
            context.localBarrier();
        }
        if (row < m && col < n) {
            out.set(outOffset + row * n + col, sum);
        }
    }

    /** out[i, j] = sum_q a[q, i] b[q, j]; a (k, m), b (k, n), out (m, n). */
    public static void aTb(KernelContext context, FloatArray a, int aOffset, FloatArray b, int bOffset,
                           FloatArray out, int outOffset, int m, int k, int n) {
        float[] tileA = context.allocateFloatLocalArray(TILE * TILE);
        float[] tileB = context.allocateFloatLocalArray(TILE * TILE);
        int lx = context.localIdx;
        int ly = context.localIdy;
        int row = context.groupIdy * TILE + ly;
        int col = context.groupIdx * TILE + lx;
        int rowA = context.groupIdy * TILE + lx;
        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            // tileA[q][i] = a[t + q, rowBase + i]: work-item (lx, ly) loads q = ly, i = lx
            tileA[ly * TILE + lx] = t + ly < k && rowA < m ? a.get(aOffset + (t + ly) * m + rowA) : 0f;
            tileB[ly * TILE + lx] = t + ly < k && col < n ? b.get(bOffset + (t + ly) * n + col) : 0f;
            context.localBarrier();
            for (int q = 0; q < TILE; q++) {
                sum = sum + tileA[q * TILE + ly] * tileB[q * TILE + lx];
            }
            context.localBarrier();
        }
        if (row < m && col < n) {
            out.set(outOffset + row * n + col, sum);
        }
    }
}
