package org.dlm4j.tensor;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 2, tensors: the broadcast shape and index map of {@link Broadcast}, the transpose map of
 * {@link ShapeOps} and the sum over one axis of {@link ReductionOps}, each against the definition
 * computed here coordinate by coordinate. See lessons/02-tensors.
 */
@LessonTest
@Tag("L02")
class Lesson02TensorsTest {

    // ---- L02.1 the broadcast shape ----

    @Test
    @Tag("L02.1")
    void shapesAlignAtTheirLastAxesAndSizeOneStretches() {
        Expect.equal("shape of (2, 1, 3) with (4, 1)", new int[] {2, 4, 3}, Broadcast.shape("add", new int[] {2, 1, 3},
                new int[] {4, 1}), "align at the LAST axis: (4, 1) lines up with (1, 3), the missing axis counts as 1");
        Expect.equal("shape of a scalar () with (3)", new int[] {3}, Broadcast.shape("mul", new int[0], new int[] {3}),
                "a scalar has rank 0: every axis of the other shape is missing in it, so it stretches");
        Expect.equal("shape of (5, 3) with (5, 3)", new int[] {5, 3}, Broadcast.shape("sub", new int[] {5, 3},
                new int[] {5, 3}), "equal sizes stay as they are");
    }

    @Test
    @Tag("L02.1")
    void sizesThatAreNeitherEqualNorOneAreRefused() {
        IllegalArgumentException refused = Expect.refuses("(2, 3) with (4, 3)",
                () -> Broadcast.shape("add", new int[] {2, 3}, new int[] {4, 3}),
                "2 and 4 differ and neither is 1: throw an IllegalArgumentException");
        Expect.that(refused.getMessage() != null && refused.getMessage().contains("add"),
                "the message should name the op ('add'), got: " + refused.getMessage(), null);
    }

    // ---- L02.2 the broadcast index map ----

    @Test
    @Tag("L02.2")
    void indexMapRepeatsTheElementsAlongStretchedAxes() {
        int[] out = {2, 4, 3};
        for (int[] in : new int[][] {{4, 1}, {2, 1, 3}, {3}, {}, {2, 4, 3}}) {
            Expect.equal("index map of " + java.util.Arrays.toString(in) + " into (2, 4, 3)", broadcastSource(in, out),
                    Broadcast.indexMap(in, out), "an axis the input lacks, or has with size 1, gets stride 0; the"
                            + " others the input's own row-major stride (the product of its sizes after that axis)");
        }
    }

    // ---- L02.3 the transpose map ----

    @Test
    @Tag("L02.3")
    void transposeMapFindsEachElementInTheOriginal() {
        int[] shape = {2, 3, 4};
        for (int[] axes : new int[][] {{0, 2}, {1, 2}, {0, 1}, {1, 1}}) {
            Expect.equal("transpose of (2, 3, 4), axes " + axes[0] + " and " + axes[1],
                    transposeSource(shape, axes[0], axes[1]), ShapeOps.sourceIndex(shape, axes[0], axes[1]),
                    "swap the two axes' STRIDES (not only the sizes): the result's axis a0 walks x's axis a1");
        }
    }

    // ---- L02.4 the sum over an axis ----

    @Test
    @Tag("L02.4")
    void sumAxisAddsAlongTheMiddleOfOuterNInner() {
        int outer = 2;
        int n = 3;
        int inner = 4;
        float[] in = new float[outer * n * inner];
        for (int i = 0; i < in.length; i++) {
            in[i] = i * 0.5f - 3f;
        }
        float[] expected = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < n; j++) {
                    expected[o * inner + i] += in[(o * n + j) * inner + i];
                }
            }
        }
        float[] out = new float[outer * inner];
        ReductionOps.sumAxis(in, out, outer, n, inner, 1f);
        Expect.close("sum over the middle axis of (2, 3, 4)", expected, out, 1e-6, 1e-6,
                "x(o, j, i) is in[(o*n + j)*inner + i]; sum over j for each (o, i)", outer, inner);
    }

    @Test
    @Tag("L02.4")
    void sumAxisScalesByTheFactorForAMean() {
        float[] in = {1, 2, 3, 4, 5, 6};                           // (1, 3, 2)
        float[] out = new float[2];
        ReductionOps.sumAxis(in, out, 1, 3, 2, 1f / 3);
        Expect.close("mean over the middle axis of [[1,2],[3,4],[5,6]]", new float[] {3, 4}, out, 1e-6, 1e-6,
                "multiply each sum by factor (1/n makes it a mean)");
    }

    // ---- the definitions, coordinate by coordinate ----

    /** The source index in {@code in} of every element of {@code out}, by unravelling and re-ravelling. */
    private static int[] broadcastSource(int[] in, int[] out) {
        int size = Tensor.checkShape(out);
        int[] map = new int[size];
        for (int flat = 0; flat < size; flat++) {
            int[] at = unravel(flat, out);
            int source = 0;
            for (int axis = 0; axis < in.length; axis++) {
                int coordinate = in[axis] == 1 ? 0 : at[axis + out.length - in.length];
                source = source * in[axis] + coordinate;
            }
            map[flat] = source;
        }
        return map;
    }

    private static int[] transposeSource(int[] shape, int a0, int a1) {
        int[] swapped = shape.clone();
        swapped[a0] = shape[a1];
        swapped[a1] = shape[a0];
        int size = Tensor.checkShape(shape);
        int[] map = new int[size];
        for (int flat = 0; flat < size; flat++) {
            int[] at = unravel(flat, swapped);
            int tmp = at[a0];
            at[a0] = at[a1];
            at[a1] = tmp;
            int source = 0;
            for (int axis = 0; axis < shape.length; axis++) {
                source = source * shape[axis] + at[axis];
            }
            map[flat] = source;
        }
        return map;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] at = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            at[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return at;
    }
}
