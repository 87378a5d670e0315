package org.dlm4j.tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.dlm4j.kernels.Rng;

/**
 * Central-difference gradient checker for any function built from tensor ops.
 *
 * <p>The function's output y (any shape) is reduced to the scalar L = sum_i r_i y_i with a fixed
 * random r, so every output element contributes to the check. The analytic gradient of L comes
 * from {@code backward()}; the numerical one perturbs each input element by +-eps:
 * {@code (L(x + eps) - L(x - eps)) / (2 eps)}, with L summed in double. They must agree within
 * {@code atol + rtol * max(|analytic|, |numeric|)}. In float32, eps ~1e-2 balances rounding error
 * (~1e-7 / eps) against truncation error (~eps^2), so the defaults are atol 2e-3, rtol 2e-2.
 *
 * <p>A failure names the op, the argument and the element, and gives both values.
 */
public final class GradCheck {
    public static final float DEFAULT_EPS = 1e-2f;
    public static final double DEFAULT_ATOL = 2e-3;
    public static final double DEFAULT_RTOL = 2e-2;

    private GradCheck() {
    }

    /** Checks {@code f} with respect to {@code inputs}, named arg0, arg1, ... */
    public static void check(String op, Supplier<Tensor> f, Tensor... inputs) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            named.put("arg" + i, inputs[i]);
        }
        check(op, f, named, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    /** Checks {@code f} with respect to each named leaf in {@code wrt} (they are set to require grad). */
    public static void check(String op, Supplier<Tensor> f, Map<String, ? extends Tensor> wrt) {
        check(op, f, wrt, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    public static void check(String op, Supplier<Tensor> f, Map<String, ? extends Tensor> wrt, float eps,
                             double atol, double rtol) {
        for (Tensor t : wrt.values()) {
            t.requiresGrad(true);
            t.zeroGrad();
        }
        Tensor output = f.get();
        float[] projection = projection(output.size());
        output.mul(Tensor.of(projection, output.shape())).sum().backward();
        for (Map.Entry<String, ? extends Tensor> entry : wrt.entrySet()) {
            Tensor input = entry.getValue();
            float[] analytic = input.grad().clone();
            float[] data = input.data();
            for (int i = 0; i < data.length; i++) {
                float original = data[i];
                data[i] = original + eps;
                double plus = project(f, projection);
                data[i] = original - eps;
                double minus = project(f, projection);
                data[i] = original;
                double numeric = (plus - minus) / (2.0 * eps);
                double difference = Math.abs(analytic[i] - numeric);
                double allowed = atol + rtol * Math.max(Math.abs(analytic[i]), Math.abs(numeric));
                if (!(difference <= allowed)) {
                    throw new AssertionError(String.format(
                            "gradient check failed for %s, argument %s, element %d: analytic %.6g, numeric %.6g"
                                    + " (|diff| %.3g > %.3g)", op, entry.getKey(), i, analytic[i], numeric,
                            difference, allowed));
                }
            }
        }
    }

    private static double project(Supplier<Tensor> f, float[] projection) {
        try (var scope = Tensor.noGrad()) {
            float[] y = f.get().data();
            double sum = 0.0;
            for (int i = 0; i < y.length; i++) {
                sum += (double) projection[i] * y[i];
            }
            return sum;
        }
    }

    private static float[] projection(int size) {
        Rng rng = new Rng(0x5EED);
        float[] r = new float[size];
        for (int i = 0; i < size; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        return r;
    }
}
