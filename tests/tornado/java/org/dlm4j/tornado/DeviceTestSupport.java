package org.dlm4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** What the device tests share: the device assumption, running one graph, and the error measures. */
final class DeviceTestSupport {
    /** float's epsilon, 2^-23. */
    static final double EPS = Math.ulp(1f);

    private DeviceTestSupport() {
    }

    /** Skips the test, with the reason, when no TornadoVM device can run here. */
    static void assumeDevice() {
        String reason = new TornadoEngine().unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "no TornadoVM device: " + reason);
    }

    /** Runs {@code graph} once (with {@code grid} when not null), with the engine's compiler flags. */
    static void execute(TaskGraph graph, GridScheduler grid) {
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            TornadoEngine.withCompilerFlags(plan);
            if (grid != null) {
                plan.withGridScheduler(grid);
            }
            plan.execute();
        } catch (Exception e) {
            throw new AssertionError("device execution failed: " + e, e);
        }
    }

    static FloatArray floats(float[] values) {
        return FloatArray.fromArray(values);
    }

    static IntArray ints(int[] values) {
        return IntArray.fromArray(values);
    }

    static float[] random(long seed, int n, float scale) {
        org.dlm4j.kernels.Rng rng = new org.dlm4j.kernels.Rng(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    /** max |expected - actual| / max |expected|: the error relative to the array's scale. */
    static double relativeError(float[] expected, FloatArray actual) {
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual.get(i)));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        return maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
    }

    /** The largest distance in units in the last place of the expected value. */
    static double ulpError(float[] expected, FloatArray actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double ulp = Math.ulp(Math.max(Math.abs(expected[i]), Float.MIN_NORMAL));
            worst = Math.max(worst, Math.abs(expected[i] - actual.get(i)) / ulp);
        }
        return worst;
    }

    static void assertExact(String what, float[] expected, FloatArray actual) {
        for (int i = 0; i < expected.length; i++) {
            int index = i;
            assertThat(actual.get(i)).as(() -> what + " at " + index).isEqualTo(expected[i]);
        }
    }

    /** Relative error within {@code factor} sqrt(n) epsilons, n the length of the sums. */
    static void assertWithinSqrtN(String what, float[] expected, FloatArray actual, int n, double factor) {
        double error = relativeError(expected, actual);
        double bound = factor * Math.sqrt(n) * EPS;
        System.out.printf("%s: relative error %.3g (bound %.3g)%n", what, error, bound);
        assertThat(error).as(what + " relative error").isLessThanOrEqualTo(bound);
    }

    static void assertWithinUlps(String what, float[] expected, FloatArray actual, double ulps) {
        double error = ulpError(expected, actual);
        System.out.printf("%s: %.1f ulp (bound %.0f)%n", what, error, ulps);
        assertThat(error).as(what + " error in ulps").isLessThanOrEqualTo(ulps);
    }

    /**
     * Every error within {@code ulps} units in the last place of the array's largest value: for functions
     * such as GELU whose small outputs come from a cancellation (1 + tanh u near -1), where an error
     * relative to each tiny value says nothing about the kernel.
     */
    static void assertWithinUlpsOfScale(String what, float[] expected, FloatArray actual, double ulps) {
        double scale = 0;
        for (float value : expected) {
            scale = Math.max(scale, Math.abs(value));
        }
        double error = relativeError(expected, actual) * scale / Math.ulp((float) scale);
        System.out.printf("%s: %.1f ulp of the largest value (bound %.0f)%n", what, error, ulps);
        assertThat(error).as(what + " error in ulps of the largest value").isLessThanOrEqualTo(ulps);
    }
}
