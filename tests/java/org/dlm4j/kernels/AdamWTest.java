package org.dlm4j.kernels;

import org.dlm4j.golden.GoldenFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    private final KernelMode modeBefore = KernelMode.current();

    @AfterEach
    void restoreMode() {
        KernelMode.set(modeBefore);
    }

    /**
     * lr 0.1, β1 0.9, β2 0.999, ε 1e-8, wd 0.01, p = 1, g = 0.5 then −0.25, worked by hand:
     * <pre>
     * step 1: p = 1·(1 − 0.001) = 0.999; m = 0.05; v = 0.00025
     *         m/(1−0.9) = 0.5, √(v/(1−0.999)) = 0.5, update = 0.1·0.5/(0.5 + 1e-8) = 0.099999998
     *         p = 0.999 − 0.099999998 = 0.899000002
     * step 2: p = 0.899000002·0.999 = 0.898101002; m = 0.045 − 0.025 = 0.02
     *         v = 0.00024975 + 0.0000625 = 0.00031225
     *         step size = 0.1/(1 − 0.81) = 0.526316, denominator = √0.00031225/√0.001999 + 1e-8 = 0.395225
     *         update = 0.526316·0.02/0.395225 = 0.026634; p = 0.871467
     * </pre>
     */
    @Test
    void twoStepsMatchTheHandComputedValues() {
        for (KernelMode mode : KernelMode.values()) {
            KernelMode.set(mode);
            float[] p = {1f};
            float[] m = {0f};
            float[] v = {0f};

            AdamW.update(p, new float[]{0.5f}, m, v, 0.1, 0.9, 0.999, 1e-8, 0.01, 1);
            assertThat(p[0]).isCloseTo(0.899000002f, within(1e-7f));
            assertThat(m[0]).isCloseTo(0.05f, within(1e-8f));
            assertThat(v[0]).isCloseTo(0.00025f, within(1e-10f));

            AdamW.update(p, new float[]{-0.25f}, m, v, 0.1, 0.9, 0.999, 1e-8, 0.01, 2);
            assertThat(m[0]).isCloseTo(0.02f, within(1e-8f));
            assertThat(v[0]).isCloseTo(0.00031225f, within(1e-10f));
            assertThat(p[0]).isCloseTo(0.8714673f, within(2e-7f));
        }
    }

    @Test
    void threeStepsFollowTorchOptimAdamW() {
        GoldenFile golden = GoldenFile.load("ops");
        double lr = Double.parseDouble(golden.metadata("adamw.lr"));
        double beta1 = Double.parseDouble(golden.metadata("adamw.beta1"));
        double beta2 = Double.parseDouble(golden.metadata("adamw.beta2"));
        double eps = Double.parseDouble(golden.metadata("adamw.eps"));
        double weightDecay = Double.parseDouble(golden.metadata("adamw.weight_decay"));
        float[] param = golden.get("adamw.param0");     // (10)
        float[] grads = golden.get("adamw.grads");      // (3, 10)
        int n = param.length;
        float[] m = new float[n];
        float[] v = new float[n];
        float[] trajectory = new float[3 * n];

        for (int step = 1; step <= 3; step++) {
            float[] grad = Arrays.copyOfRange(grads, (step - 1) * n, step * n);
            AdamW.update(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
            System.arraycopy(param, 0, trajectory, (step - 1) * n, n);
        }

        golden.assertClose("adamw.params_after", trajectory, 1e-6, 1e-6);
        golden.assertClose("adamw.m_after", m, 1e-7, 1e-6);
        golden.assertClose("adamw.v_after", v, 1e-9, 1e-6);
    }

    @Test
    void weightDecayAloneShrinksAParameterWithZeroGradient() {
        float[] p = {2f, -4f};
        AdamW.update(p, new float[2], new float[2], new float[2], 0.1, 0.9, 0.999, 1e-8, 0.5, 1);
        // m = v = 0, so the Adam step is 0 and only p·(1 − lr·wd) = p·0.95 remains.
        assertThat(p).containsExactly(1.9f, -3.8f);
    }

    @Test
    void fastAndReferenceAreBitIdenticalOnASubRange() {
        int n = 300_000;
        Rng rng = new Rng(7);
        float[] param = new float[n];
        float[] grad = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            param[i] = (float) rng.nextGaussian();
            grad[i] = (float) rng.nextGaussian();
            m[i] = 0.1f * (float) rng.nextGaussian();
            v[i] = 0.01f * rng.nextFloat();
        }
        float[][] reference = {param.clone(), m.clone(), v.clone()};
        float[][] fast = {param.clone(), m.clone(), v.clone()};
        int threadsBefore = Parallel.threads();
        try {
            Parallel.setThreads(2);
            KernelMode.set(KernelMode.REFERENCE);
            AdamW.update(reference[0], grad, reference[1], reference[2], 5, n - 10, 3e-4, 0.9, 0.95, 1e-8, 0.1, 7);
            KernelMode.set(KernelMode.FAST);
            AdamW.update(fast[0], grad, fast[1], fast[2], 5, n - 10, 3e-4, 0.9, 0.95, 1e-8, 0.1, 7);
        } finally {
            Parallel.setThreads(threadsBefore);
        }

        assertThat(fast[0]).isEqualTo(reference[0]).isNotEqualTo(param);
        assertThat(fast[1]).isEqualTo(reference[1]);
        assertThat(fast[2]).isEqualTo(reference[2]);
        assertThat(reference[0][2]).isEqualTo(param[2]); // outside the range: untouched
        assertThat(reference[0][n - 3]).isEqualTo(param[n - 3]);
    }

    @Test
    void refusesBadArguments() {
        float[] one = new float[1];
        assertThatThrownBy(() -> AdamW.update(one, new float[2], one, one, 0.1, 0.9, 0.999, 1e-8, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("of one length, got 1, 2, 1, 1");
        assertThatThrownBy(() -> AdamW.update(one, one, one, one, 0.1, 0.9, 0.999, 1e-8, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("AdamW step count starts at 1, got 0");
        assertThatThrownBy(() -> AdamW.update(one, one, one, one, 0.1, 1, 0.999, 1e-8, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("betas must lie in [0, 1)");
        assertThatThrownBy(() -> AdamW.update(one, one, one, one, 0, 2, 0.1, 0.9, 0.999, 1e-8, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside arrays of length 1");
    }
}
