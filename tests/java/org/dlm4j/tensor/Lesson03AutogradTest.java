package org.dlm4j.tensor;

import java.util.HashSet;
import java.util.List;


import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 3, autograd: the topological order and {@link Tensor#backward()} of {@link Tensor}, the
 * backward step of a broadcasting binary op, and the backward step of a linear layer. See
 * lessons/03-autograd.
 */
@LessonTest
@Tag("L03")
class Lesson03AutogradTest {
    private static final double TOL = 1e-5;

    // ---- L03.1 topological order ----

    @Test
    @Tag("L03.1")
    void everyTensorComesAfterItsParentsAndTheOutputLast() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor constant = Tensor.of(new float[] {5, 6}, 2);
        Tensor c = a.mul(b);                 // a and b
        Tensor d = c.add(a);                 // a is used twice: a diamond
        Tensor e = d.mul(constant);          // the constant needs no gradient
        Tensor y = e.sum();
        List<Tensor> order = y.topologicalOrder();
        Expect.that(order.size() == 6 && new HashSet<>(order).size() == 6 && !order.contains(constant),
                "expected the 6 tensors that require grad (a, b, a*b, +a, *constant, sum), each once, got " + order,
                "visit each tensor once (a tensor used twice is still listed once); skip parents that do not"
                        + " require grad");
        Expect.that(order.get(order.size() - 1) == y, "the output must come last, got " + order, null);
        for (Tensor t : order) {
            for (Tensor parent : List.of(a, b, c, d, e)) {
                boolean isParent = t == c && (parent == a || parent == b) || t == d && (parent == c || parent == a)
                        || t == e && parent == d || t == y && parent == e;
                Expect.that(!isParent || order.indexOf(parent) < order.indexOf(t), parent + " must come before its"
                        + " child " + t + " in " + order, "add a tensor only after all of its parents were added");
            }
        }
    }

    @Test
    @Tag("L03.1")
    void aVeryDeepGraphNeedsNoRecursion() {
        Tensor x = Tensor.of(new float[] {1}, 1).requiresGrad(true);
        Tensor t = x;
        for (int i = 0; i < 50_000; i++) {
            t = t.mul(1f);
        }
        List<Tensor> order;
        try {
            order = t.topologicalOrder();
        } catch (StackOverflowError e) {
            throw new AssertionError("a chain of 50,000 ops overflowed the call stack", e);
        }
        Expect.that(order.size() == 50_001 && order.get(0) == x && order.get(50_000) == t,
                "expected the 50,001 tensors of the chain from the leaf to the output, got " + order.size(),
                "use an explicit stack (ArrayDeque) instead of recursion");
    }

    // ---- L03.2 backward ----

    @Test
    @Tag("L03.2")
    void backwardOfASumOfProductsGivesTheOtherFactor() {
        Tensor a = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {4, 5, -6}, 3).requiresGrad(true);
        a.mul(b).sum().backward();
        Expect.close("d(sum a*b)/da", b.data(), a.grad(), TOL, TOL, "start with gradient 1 at the output and run"
                + " the backward steps from the output back to the leaves");
        Expect.close("d(sum a*b)/db", a.data(), b.grad(), TOL, TOL, null);
    }

    @Test
    @Tag("L03.2")
    void aTensorUsedTwiceReceivesBothGradients() {
        Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f}, 3).requiresGrad(true);
        x.mul(x).add(x).sum().backward();                     // y = sum(x^2 + x), dy/dx = 2x + 1
        Expect.close("d(sum x*x + x)/dx", new float[] {2f, -1f, 5f}, x.grad(), TOL, TOL,
                "run every backward step exactly once, in reverse topological order, after all steps that feed it");
    }

    @Test
    @Tag("L03.2")
    void leafGradientsAddUpAcrossCallsWhileIntermediateOnesRestart() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor h = x.mul(3f);
        Tensor y = h.sum();
        y.backward();
        y.backward();
        Expect.close("x.grad after two backward calls", new float[] {6, 6}, x.grad(), TOL, TOL,
                "a leaf keeps its gradient array between calls (it is zeroed only by zeroGrad())");
        Expect.close("h.grad after two backward calls", new float[] {1, 1}, h.grad(), TOL, TOL,
                "an intermediate tensor gets a fresh zero gradient at the start of every backward call");
    }

    @Test
    @Tag("L03.2")
    void backwardStartsOnlyFromAScalarThatRequiresGrad() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Expect.refuses("backward() on a (2) tensor", () -> x.mul(2f).backward(),
                "the gradient of a vector output is not defined without a direction: require size 1");
        Expect.refuses("backward() on a constant", () -> Tensor.scalar(1f).backward(),
                "a tensor that does not require grad has no graph to walk");
    }

    // ---- L03.3 the broadcasting binary op's backward ----

    @Test
    @Tag("L03.3")
    void aBroadcastInputSumsTheGradientsOfEveryElementItFed() {
        int[] shapeA = {2, 3};
        int[] shapeB = {1, 3};                                  // repeated over the 2 rows (not a suffix shape)
        Broadcast map = Broadcast.of("mul", shapeA, shapeB);
        float[] x = {1, 2, 3, 4, 5, 6};
        float[] y = {10, 20, 30};
        float[] g = {1, -1, 2, 0.5f, 3, -2};
        float[] ga = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
        float[] gb = {-1, -1, -1};
        float[] gaBefore = ga.clone();
        float[] gbBefore = gb.clone();
        ElementwiseOps.binaryBackward(map, x, y, g, ga, gb, (p, q) -> q, (p, q) -> p); // out = a * b
        Expect.accumulated("ga of a * b", gaBefore, new float[] {10, -20, 60, 5, 60, -60}, ga, TOL, TOL,
                "ga[ia] += g[i] * dA(x[ia], y[ib]), with ia = map.indexA(i)");
        Expect.accumulated("gb of a * b, b broadcast over 2 rows", gbBefore, new float[] {1 + 0.5f * 4, -1 * 2 + 3 * 5,
                2 * 3 - 2 * 6}, gb, TOL, TOL, "each element of b fed 2 outputs: its gradient is the SUM of both"
                + " contributions; with '=' only the last row would count");
    }

    @Test
    @Tag("L03.3")
    void anInputThatNeedsNoGradientIsSkipped() {
        Broadcast map = Broadcast.of("mul", new int[] {2}, new int[] {2});
        float[] gb = {0, 0};
        ElementwiseOps.binaryBackward(map, new float[] {1, 2}, new float[] {3, 4}, new float[] {1, 1}, null, gb,
                (p, q) -> q, (p, q) -> p);
        Expect.close("gb when ga is null", new float[] {1, 2}, gb, TOL, TOL, "a null gradient array means"
                + " 'this input needs no gradient': skip it, and still fill the other");
    }

    // ---- L03.4 the linear layer's backward ----

    @Test
    @Tag("L03.4")
    void linearBackwardGivesAllThreeGradients() {
        int rows = 2;
        int in = 3;
        int out = 2;
        float[] x = {1, 2, 3, -1, 0, 2};                       // (2, 3)
        float[] w = {0.5f, -1, 2, 1, 1, -0.5f};                // (2, 3): (out, in)
        float[] g = {1, 2, -1, 0.5f};                          // (2, 2): dY
        float[] dx = {1, 1, 1, 1, 1, 1};
        float[] dw = {2, 2, 2, 2, 2, 2};
        float[] db = {3, 3};
        MatmulOp.linearBackward(g, x, w, dx, dw, db, rows, in, out);
        Expect.accumulated("dX = dY · W", new float[] {1, 1, 1, 1, 1, 1}, new float[] {2.5f, 1, 1, 0, 1.5f, -2.25f},
                dx, TOL, TOL, "dX (rows, in) = dY (rows, out) · W (out, in): Matmul.ab with m=rows, k=out, n=in");
        Expect.accumulated("dW = dYᵀ · X", new float[] {2, 2, 2, 2, 2, 2}, new float[] {2, 2, 1, 1.5f, 4, 7}, dw,
                TOL, TOL, "dW (out, in) = dYᵀ · X: Matmul.aTb with m=out, k=rows, n=in");
        Expect.accumulated("db = sum of dY over rows", new float[] {3, 3}, new float[] {0, 2.5f}, db, TOL, TOL,
                "db(j) = sum over rows of dY(r, j): Elementwise.biasAddBackward");
    }

    @Test
    @Tag("L03.4")
    void linearBackwardSkipsGradientsNobodyNeeds() {
        float[] dw = new float[4];
        MatmulOp.linearBackward(new float[] {1, 1}, new float[] {2, 3}, new float[] {1, 0, 0, 1}, null, dw, null,
                1, 2, 2);
        Expect.close("dW when dX and db are null", new float[] {2, 3, 2, 3}, dw, TOL, TOL,
                "null means 'not needed' (an input that is a constant, a layer without bias): skip it");
    }

}
