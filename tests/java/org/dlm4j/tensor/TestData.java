package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.Supplier;

import org.dlm4j.kernels.Rng;

/** Seeded random tensors and closeness checks shared by the tensor and nn tests. */
public final class TestData {
    private TestData() {
    }

    /** A leaf with entries normal(0, 1) from {@code new Rng(seed)}, requiring grad. */
    public static Tensor random(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), 1f, shape).requiresGrad(true);
    }

    /** A leaf with entries uniform in [low, high), requiring grad. */
    public static Tensor uniform(long seed, float low, float high, int... shape) {
        Rng rng = new Rng(seed);
        float[] values = new float[Tensor.checkShape(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = low + (high - low) * rng.nextFloat();
        }
        return Tensor.of(values, shape).requiresGrad(true);
    }

    public static void assertClose(String what, float[] actual, float[] expected, double tolerance) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as(what + " element " + i).isCloseTo(expected[i], within(tolerance));
        }
    }

    /**
     * Asserts that two ways of computing the same function ({@code fused}, {@code composed}) give
     * the same values and the same gradients with respect to {@code inputs}, within {@code tolerance}.
     */
    public static void assertSameFunction(String op, Supplier<Tensor> fused, Supplier<Tensor> composed,
                                          double tolerance, Tensor... inputs) {
        float[][] gradsFused = gradients(fused, inputs);
        float[] valueFused = fused.get().data();
        float[][] gradsComposed = gradients(composed, inputs);
        float[] valueComposed = composed.get().data();
        assertClose(op + " value", valueFused, valueComposed, tolerance);
        for (int i = 0; i < inputs.length; i++) {
            assertClose(op + " gradient of argument " + i, gradsFused[i], gradsComposed[i], tolerance);
        }
    }

    private static float[][] gradients(Supplier<Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.zeroGrad();
        }
        Tensor y = f.get();
        Rng rng = new Rng(77);
        float[] r = new float[y.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        y.mul(Tensor.of(r, y.shape())).sum().backward();
        float[][] grads = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            grads[i] = inputs[i].grad().clone();
        }
        return grads;
    }
}
