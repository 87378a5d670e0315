package org.dlm4j.tornado;

import static org.dlm4j.tornado.DeviceTestSupport.assertExact;
import static org.dlm4j.tornado.DeviceTestSupport.assertWithinSqrtN;
import static org.dlm4j.tornado.DeviceTestSupport.assertWithinUlpsOfScale;
import static org.dlm4j.tornado.DeviceTestSupport.execute;
import static org.dlm4j.tornado.DeviceTestSupport.floats;
import static org.dlm4j.tornado.DeviceTestSupport.ints;
import static org.dlm4j.tornado.DeviceTestSupport.random;

import org.dlm4j.kernels.Dropout;
import org.dlm4j.kernels.Embedding;
import org.dlm4j.kernels.Gelu;
import org.dlm4j.kernels.LayerNorm;
import org.dlm4j.kernels.Rope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

/**
 * The row-wise and elementwise device kernels against their CPU twins in {@code org.dlm4j.kernels}:
 * gathers and dropout exactly, elementwise math within a few ulps, per-row and per-column sums
 * within about sqrt(n) float epsilons.
 */
class RowKernelsTest {
    private static final int B = 3;
    private static final int T = 10;
    private static final int C = 24;
    private static final int V = 17;
    private static final int N = B * T;

    @BeforeEach
    void device() {
        DeviceTestSupport.assumeDevice();
    }

    @Test
    void embeddingForwardAndBackwardAreExactGathers() {
        float[] table = random(1, V * C + T * C, 1f);         // token table, then position table
        int[] ids = new int[N];
        for (int n = 0; n < N; n++) {
            ids[n] = (n * 7 + 3) % V;
        }
        float[] tokens = new float[N * C];
        Embedding.forward(java.util.Arrays.copyOf(table, V * C), ids, tokens, N, V, C);
        float[] expected = new float[N * C];
        for (int i = 0; i < N * C; i++) {
            expected[i] = tokens[i] + table[V * C + (i / C % T) * C + i % C];
        }
        FloatArray params = floats(table);
        IntArray deviceIds = ints(ids);
        FloatArray x = new FloatArray(N * C);
        float[] dx = random(2, N * C, 1f);
        float[] dtok = new float[V * C];
        Embedding.backward(dx, ids, dtok, N, C);
        float[] dpos = new float[T * C];
        for (int i = 0; i < N * C; i++) {
            dpos[i % (T * C)] += dx[i];
        }
        EmbeddingGather gather = EmbeddingGather.of(ids, V);
        FloatArray grads = new FloatArray(V * C + T * C);
        FloatArray deviceDx = floats(dx);
        TaskGraph graph = new TaskGraph("embedding")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, params, deviceIds, deviceDx, gather.rowStart(),
                        gather.positions())
                .task("forward", EmbeddingKernels::forward, deviceIds, params, 0, V * C, x, N, T, C)
                .task("tokens", EmbeddingKernels::backwardTokens, deviceDx, gather.rowStart(), gather.positions(),
                        grads, 0, V, C, 0)
                .task("positions", EmbeddingKernels::backwardPositions, deviceDx, grads, V * C, B, T, C)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, x, grads);
        execute(graph, null);
        assertExact("embedding forward", expected, x);
        float[] expectedGrads = new float[V * C + T * C];
        System.arraycopy(dtok, 0, expectedGrads, 0, V * C);
        System.arraycopy(dpos, 0, expectedGrads, V * C, T * C);
        assertExact("embedding backward", expectedGrads, grads);
    }

    @Test
    void layerNormMatchesTheCpu() {
        float[] x = random(3, N * C, 2f);
        float[] weightAndBias = random(4, 2 * C, 1f);
        float[] w = java.util.Arrays.copyOf(weightAndBias, C);
        float[] b = java.util.Arrays.copyOfRange(weightAndBias, C, 2 * C);
        float[] out = new float[N * C];
        float[] mean = new float[N];
        float[] rstd = new float[N];
        LayerNorm.forward(x, w, b, out, mean, rstd, N, C, LayerNormKernels.EPS);
        float[] dout = random(5, N * C, 1f);
        float[] dx = random(6, N * C, 1f);                     // backward adds into dx
        float[] expectedDx = dx.clone();
        float[] dwb = new float[2 * C];
        float[] dw = new float[C];
        float[] db = new float[C];
        LayerNorm.backward(dout, x, w, mean, rstd, expectedDx, dw, db, N, C);
        System.arraycopy(dw, 0, dwb, 0, C);
        System.arraycopy(db, 0, dwb, C, C);

        FloatArray dX = floats(x);
        FloatArray params = floats(weightAndBias);
        FloatArray dOut = new FloatArray(N * C);
        FloatArray dMean = new FloatArray(N);
        FloatArray dRstd = new FloatArray(N);
        FloatArray dDout = floats(dout);
        FloatArray dDx = floats(dx);
        FloatArray grads = new FloatArray(2 * C);
        TaskGraph graph = new TaskGraph("layernorm")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dX, params, dDout, dDx)
                .task("forward", LayerNormKernels::forward, dX, params, 0, C, dOut, dMean, dRstd, N, C)
                .task("input", LayerNormKernels::backwardInput, dDout, dX, params, 0, dMean, dRstd, dDx, N, C)
                .task("parameters", LayerNormKernels::backwardParameters, dDout, dX, dMean, dRstd, grads, 0, C, N, C)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dOut, dDx, grads);
        execute(graph, null);
        assertWithinSqrtN("layernorm forward", out, dOut, C, 4);
        assertWithinSqrtN("layernorm backward dx", expectedDx, dDx, C, 8);
        assertWithinSqrtN("layernorm backward dw, db", dwb, grads, N, 8);
    }

    @Test
    void geluResidualBiasGradientAndDropout() {
        int n = N * C;
        float[] x = random(7, n, 4f);
        float[] y = random(8, n, 1f);
        float[] gelu = new float[n];
        Gelu.forward(x, gelu, n);
        float[] dgelu = new float[n];
        Gelu.backward(x, y, dgelu, n);
        float[] sum = new float[n];
        float[] biasGrad = new float[C];
        for (int i = 0; i < n; i++) {
            sum[i] = x[i] + y[i];
            biasGrad[i % C] += y[i];
        }
        float p = 0.3f;
        long seed = 0x1234_5678_9ABCL;
        float[] dropped = new float[n];
        Dropout.forward(x, dropped, n, p, seed);

        FloatArray dX = floats(x);
        FloatArray dY = floats(y);
        FloatArray dGelu = new FloatArray(n);
        FloatArray dDgelu = new FloatArray(n);
        FloatArray dSum = new FloatArray(n);
        FloatArray dBias = new FloatArray(C);
        FloatArray dDropped = new FloatArray(n);
        LongArray seeds = LongArray.fromArray(new long[] {7, seed});
        FloatArray scalars = new FloatArray(AdamWKernels.SCALARS);
        StepScalars.dropout(scalars, p);
        TaskGraph graph = new TaskGraph("elementwise")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dX, dY, seeds, scalars)
                .task("gelu", ElementwiseKernels::geluForward, dX, dGelu, n)
                .task("geluBackward", ElementwiseKernels::geluBackward, dX, dY, dDgelu, n)
                .task("add", ElementwiseKernels::add, dX, dY, dSum, n)
                .task("bias", ElementwiseKernels::biasGradient, dY, dBias, 0, N, C)
                .task("dropout", ElementwiseKernels::dropout, dX, dDropped, seeds, 1, scalars,
                        AdamWKernels.DROPOUT, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dGelu, dDgelu, dSum, dBias, dDropped);
        execute(graph, null);
        assertWithinUlpsOfScale("gelu forward", gelu, dGelu, 8);
        assertWithinUlpsOfScale("gelu backward", dgelu, dDgelu, 16);
        assertExact("residual add", sum, dSum);
        assertWithinSqrtN("bias gradient", biasGrad, dBias, N, 4);
        assertExact("dropout (the CPU's counter-based hash)", dropped, dDropped);
    }

    @Test
    void ropeRotatesLikeTheCpuAndBackwardUndoesIt() {
        int heads = 4;
        float[] qkv = random(9, N * 3 * C, 1f);
        float[] rotated = new float[N * 3 * C];
        Rope.forward(qkv, rotated, B, T, C, heads, 0);
        float[] dout = random(10, N * 3 * C, 1f);
        float[] dqkv = new float[N * 3 * C];
        Rope.backward(dout, dqkv, B, T, C, heads, 0);
        RopeTables tables = RopeTables.of(C / heads, T);
        FloatArray dQkv = floats(qkv);
        FloatArray dRotated = new FloatArray(N * 3 * C);
        FloatArray dDout = floats(dout);
        FloatArray dDqkv = new FloatArray(N * 3 * C);
        TaskGraph graph = new TaskGraph("rope")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dQkv, dDout, tables.cos(), tables.sin())
                .task("forward", RopeKernels::rotateHeads, dQkv, dRotated, tables.cos(), tables.sin(), N, T, C, heads, 1f)
                .task("backward", RopeKernels::rotateHeads, dDout, dDqkv, tables.cos(), tables.sin(), N, T, C, heads, -1f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dRotated, dDqkv);
        execute(graph, null);
        assertWithinSqrtN("rope forward", rotated, dRotated, 2, 2);
        assertWithinSqrtN("rope backward", dqkv, dDqkv, 2, 2);
    }
}
