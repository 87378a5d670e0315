package org.dlm4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dlm4j.tornado.DeviceTestSupport.assertWithinSqrtN;
import static org.dlm4j.tornado.DeviceTestSupport.execute;
import static org.dlm4j.tornado.DeviceTestSupport.floats;
import static org.dlm4j.tornado.DeviceTestSupport.ints;
import static org.dlm4j.tornado.DeviceTestSupport.random;

import org.dlm4j.kernels.AdamW;
import org.dlm4j.kernels.Attention;
import org.dlm4j.kernels.CrossEntropy;
import org.dlm4j.kernels.Matmul;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The device's products and reductions against their CPU twins: the three tiled matrix products,
 * attention forward and backward (causal, bidirectional, and bidirectional cut to a valid length),
 * softmax cross-entropy, the two-pass sum of squares and AdamW with clipping, each within about
 * sqrt(n) float epsilons of the CPU, n the length of its sums.
 */
class ProductKernelsTest {

    @BeforeEach
    void device() {
        DeviceTestSupport.assumeDevice();
    }

    @Test
    void tiledProductsMatchTheCpuForSizesThatAreNotWholeTiles() {
        int m = 37;
        int k = 45;
        int n = 29;
        float[] x = random(1, m * k, 1f);           // (m, k)
        float[] wAndBias = random(2, n * k + n, 1f); // W (n, k), then a bias (n)
        float[] dy = random(3, m * n, 1f);           // (m, n)
        float[] y = new float[m * n];
        Matmul.abT(x, 0, wAndBias, 0, y, 0, m, k, n, false);
        for (int i = 0; i < m * n; i++) {
            y[i] += wAndBias[n * k + i % n];
        }
        float[] dx = new float[m * k];
        Matmul.ab(dy, 0, wAndBias, 0, dx, 0, m, n, k, false);
        float[] dw = new float[n * k];
        Matmul.aTb(dy, 0, x, 0, dw, 0, n, m, k, false);

        FloatArray dX = floats(x);
        FloatArray params = floats(wAndBias);
        FloatArray dDy = floats(dy);
        FloatArray dY = new FloatArray(m * n);
        FloatArray dDx = new FloatArray(m * k);
        FloatArray dDw = new FloatArray(n * k + 5);             // at offset 5, as in the flat gradient buffer
        TaskGraph graph = new TaskGraph("products")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dX, params, dDy)
                .task("abT", MatmulKernels::abT, new KernelContext(), dX, 0, params, 0, n * k, dY, 0, m, k, n)
                .task("ab", MatmulKernels::ab, new KernelContext(), dDy, 0, params, 0, dDx, 0, m, n, k)
                .task("aTb", MatmulKernels::aTb, new KernelContext(), dDy, 0, dX, 0, dDw, 5, n, m, k)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dY, dDx, dDw);
        GridScheduler grid = new GridScheduler();
        grid.addWorkerGrid("products.abT", tiles(n, m));
        grid.addWorkerGrid("products.ab", tiles(k, m));
        grid.addWorkerGrid("products.aTb", tiles(k, n));
        execute(graph, grid);
        assertWithinSqrtN("abT + bias (forward)", y, dY, k, 4);
        assertWithinSqrtN("ab (input gradient)", dx, dDx, n, 4);
        FloatArray dwOnly = new FloatArray(n * k);
        for (int i = 0; i < n * k; i++) {
            dwOnly.set(i, dDw.get(5 + i));
        }
        assertWithinSqrtN("aTb (weight gradient)", dw, dwOnly, m, 4);
    }

    @Test
    void attentionForwardAndBackwardMatchTheCpuForEveryMask() {
        int b = 2;
        int t = 9;
        int c = 16;
        int heads = 4;
        float[] qkv = random(4, b * t * 3 * c, 1.5f);
        float[] dout = random(5, b * t * c, 1f);
        for (int causal = 0; causal <= 1; causal++) {
            checkAttention(qkv, dout, b, t, c, heads, causal, t);
        }
        checkAttention(qkv, dout, b, t, c, heads, 0, 6);        // a diffusion batch cut to L' = 6
    }

    private static void checkAttention(float[] qkv, float[] dout, int b, int t, int c, int heads, int causal,
                                       int valid) {
        // The CPU runs the first `valid` positions of each row as a sequence of that length.
        float[] shortQkv = firstPositions(qkv, b, t, valid, 3 * c);
        float[] shortDout = firstPositions(dout, b, t, valid, c);
        float[] out = new float[b * valid * c];
        float[] probs = new float[b * heads * valid * valid];
        Attention.forward(shortQkv, out, probs, b, valid, c, heads, causal == 1);
        float[] dqkv = new float[b * valid * 3 * c];
        Attention.backward(shortDout, shortQkv, probs, dqkv, b, valid, c, heads, causal == 1);

        for (int row = 0; row < b; row++) {                      // rows past L' get no gradient: zero it
            for (int i = valid; i < t; i++) {
                for (int d = 0; d < c; d++) {
                    dout[(row * t + i) * c + d] = valid < t ? 0f : dout[(row * t + i) * c + d];
                }
            }
        }
        FloatArray dQkv = floats(qkv);
        FloatArray dDout = floats(dout);
        FloatArray dOut = new FloatArray(b * t * c);
        FloatArray dProbs = new FloatArray(b * heads * t * t);
        FloatArray rowTerm = new FloatArray(b * heads * t);
        FloatArray dDqkv = new FloatArray(b * t * 3 * c);
        IntArray validLength = ints(new int[] {valid});
        String name = "attention" + causal + valid;
        TaskGraph graph = new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dQkv, dDout, validLength)
                .task("forward", AttentionKernels::forward, dQkv, dOut, dProbs, validLength, b, t, c, heads, causal)
                .task("rowTerm", AttentionKernels::backwardRowTerm, dDout, dQkv, dProbs, rowTerm, validLength, b, t,
                        c, heads, causal)
                .task("query", AttentionKernels::backwardQuery, dDout, dQkv, dProbs, rowTerm, dDqkv, validLength, b,
                        t, c, heads, causal)
                .task("keyValue", AttentionKernels::backwardKeyValue, dDout, dQkv, dProbs, rowTerm, dDqkv,
                        validLength, b, t, c, heads, causal)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dOut, dDqkv);
        execute(graph, null);
        String what = (causal == 1 ? "causal" : "bidirectional") + " attention, valid length " + valid;
        assertWithinSqrtN(what + " forward", out, firstPositions(dOut, b, t, valid, c), valid, 4);
        assertWithinSqrtN(what + " backward", dqkv, firstPositions(dDqkv, b, t, valid, 3 * c), valid * c / heads, 8);
        for (int row = 0; row < b; row++) {
            for (int i = valid; i < t; i++) {
                for (int d = 0; d < 3 * c; d++) {
                    assertThat(dDqkv.get((row * t + i) * 3 * c + d)).as("padding gradient").isZero();
                }
            }
        }
    }

    @Test
    void weightedCrossEntropyMatchesTheCpu() {
        int rows = 12;
        int vocab = 37;
        float[] logits = random(6, rows * vocab, 5f);
        int[] targets = new int[rows];
        float[] weights = new float[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = (r * 11) % vocab;
            weights[r] = r % 3 == 0 ? 0f : 1f + r * 0.25f;     // some rows do not count
        }
        float normaliser = 17f;
        float[] losses = new float[rows];
        float[] lse = new float[rows];
        double total = CrossEntropy.forward(logits, targets, weights, losses, lse, rows, vocab);
        float[] weighted = new float[rows];
        for (int r = 0; r < rows; r++) {
            weighted[r] = weights[r] * losses[r];
        }
        float[] dlogits = new float[rows * vocab];
        CrossEntropy.backward(logits, lse, targets, weights, 1f / normaliser, dlogits, rows, vocab);

        FloatArray dLogits = floats(logits);
        IntArray dTargets = ints(targets);
        FloatArray dWeights = floats(weights);
        FloatArray dWeighted = new FloatArray(rows);
        FloatArray dLse = new FloatArray(rows);
        FloatArray scalars = new FloatArray(AdamWKernels.SCALARS);
        scalars.set(AdamWKernels.GRAD_SCALE, 1f / normaliser);
        FloatArray dDlogits = new FloatArray(rows * vocab);
        TaskGraph graph = new TaskGraph("crossEntropy")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dLogits, dTargets, dWeights, scalars)
                .task("forward", CrossEntropyKernels::forward, dLogits, dTargets, dWeights, dWeighted, dLse, rows, vocab)
                .task("backward", CrossEntropyKernels::backward, dLogits, dLse, dTargets, dWeights, scalars,
                        AdamWKernels.GRAD_SCALE, dDlogits, rows, vocab)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dWeighted, dDlogits);
        execute(graph, null);
        assertWithinSqrtN("cross-entropy forward", weighted, dWeighted, vocab, 4);
        assertWithinSqrtN("cross-entropy backward", dlogits, dDlogits, vocab, 4);
        double deviceTotal = 0;
        for (int r = 0; r < rows; r++) {
            deviceTotal += dWeighted.get(r);
        }
        assertThat(deviceTotal).isCloseTo(total, org.assertj.core.data.Percentage.withPercentage(1e-4));
    }

    @Test
    void twoPassSumOfSquaresAndClippedAdamWMatchTheCpu() {
        int n = 5000;                                            // 20 groups, the last one partial
        float[] params = random(7, n, 1f);
        float[] grads = random(8, n, 3f);
        float[] m = random(9, n, 0.1f);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(m[i]) * 0.01f;
        }
        double sumOfSquares = 0;
        for (float g : grads) {
            sumOfSquares += (double) g * g;
        }
        double norm = Math.sqrt(sumOfSquares);
        double maxNorm = 1.0;
        float scale = (float) (maxNorm / (norm + 1e-6));         // clipping applies: the norm is about 120
        float[] clipped = new float[n];
        for (int i = 0; i < n; i++) {
            clipped[i] = grads[i] * scale;
        }
        double lr = 3e-3;
        double weightDecay = 0.1;
        long step = 7;
        float[] expectedParams = params.clone();
        float[] expectedM = m.clone();
        float[] expectedV = v.clone();
        int decayed = n / 2;                                     // the first half takes weight decay
        AdamW.update(expectedParams, clipped, expectedM, expectedV, 0, decayed, lr, 0.9, 0.95, 1e-8, weightDecay, step);
        AdamW.update(expectedParams, clipped, expectedM, expectedV, decayed, n - decayed, lr, 0.9, 0.95, 1e-8, 0,
                step);

        FloatArray dParams = floats(params);
        FloatArray dGrads = floats(grads);
        FloatArray dM = floats(m);
        FloatArray dV = floats(v);
        FloatArray decays = new FloatArray(n);
        for (int i = 0; i < decayed; i++) {
            decays.set(i, 1f);
        }
        FloatArray scalars = StepScalars.adamW(lr, 0.9, 0.95, 1e-8, weightDecay, step, maxNorm, 1f);
        int groups = ReductionKernels.groups(n);
        FloatArray partial = new FloatArray(groups);
        FloatArray stats = new FloatArray(AdamWKernels.STATS);
        TaskGraph graph = new TaskGraph("optimizer")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dParams, dGrads, dM, dV, decays, scalars, stats)
                .task("squares", ReductionKernels::partialSums, new KernelContext(), dGrads, 0, n, 1, partial)
                .task("sum", ReductionKernels::finalSum, new KernelContext(), partial, groups, stats,
                        AdamWKernels.SUM_OF_SQUARES)
                .task("adamw", AdamWKernels::update, dParams, dGrads, dM, dV, decays, scalars, stats, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dParams, dM, dV, stats);
        GridScheduler grid = new GridScheduler();
        grid.addWorkerGrid("optimizer.squares", groupsOf(groups * ReductionKernels.GROUP, ReductionKernels.GROUP));
        grid.addWorkerGrid("optimizer.sum", groupsOf(1, 1));
        execute(graph, grid);
        double deviceNorm = Math.sqrt(stats.get(AdamWKernels.SUM_OF_SQUARES));
        System.out.printf("gradient norm: device %.7f, cpu %.7f, relative error %.3g%n", deviceNorm, norm,
                Math.abs(deviceNorm - norm) / norm);
        assertThat(Math.abs(deviceNorm - norm) / norm).isLessThanOrEqualTo(Math.sqrt(n) * DeviceTestSupport.EPS);
        assertWithinSqrtN("adamw parameters", expectedParams, dParams, n, 2);
        assertWithinSqrtN("adamw first moment", expectedM, dM, n, 2);
        assertWithinSqrtN("adamw second moment", expectedV, dV, n, 2);
    }

    private static WorkerGrid tiles(int columns, int rows) {
        WorkerGrid grid = new WorkerGrid2D(MatmulKernels.roundUp(columns), MatmulKernels.roundUp(rows));
        grid.setLocalWork(MatmulKernels.TILE, MatmulKernels.TILE, 1);
        return grid;
    }

    private static WorkerGrid groupsOf(int global, int local) {
        WorkerGrid grid = new WorkerGrid1D(global);
        grid.setLocalWork(local, 1, 1);
        return grid;
    }

    private static float[] firstPositions(float[] x, int b, int t, int keep, int width) {
        float[] out = new float[b * keep * width];
        for (int row = 0; row < b; row++) {
            System.arraycopy(x, row * t * width, out, row * keep * width, keep * width);
        }
        return out;
    }

    private static FloatArray firstPositions(FloatArray x, int b, int t, int keep, int width) {
        FloatArray out = new FloatArray(b * keep * width);
        for (int row = 0; row < b; row++) {
            for (int i = 0; i < keep * width; i++) {
                out.set(row * keep * width + i, x.get(row * t * width + i));
            }
        }
        return out;
    }
}
