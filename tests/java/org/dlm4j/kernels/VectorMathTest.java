package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** {@link VectorMath}: exp within a few ulp of Math.exp, clamping, and the lane sum's fixed order. */
class VectorMathTest {

    @Test
    void expIsWithinTwoUlpOfMathExp() {
        float[] x = new float[VectorMath.LANES];
        float[] y = new float[VectorMath.LANES];
        double worst = 0;
        for (float start = -87f; start < 88f; start += 0.0137f * VectorMath.LANES) {
            for (int i = 0; i < x.length; i++) {
                x[i] = start + 0.0137f * i;
            }
            VectorMath.exp(FloatVector.fromArray(VectorMath.SPECIES, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                double expected = Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(y[i] - expected) / Math.ulp((float) expected));
            }
        }
        assertThat(worst).isLessThan(2.0);
    }

    @Test
    void expOfZeroIsOneAndHugeInputsAreClamped() {
        float[] x = new float[VectorMath.LANES];
        x[1] = -1000f;
        x[2] = Float.NEGATIVE_INFINITY;
        x[3] = 1000f;
        float[] y = new float[VectorMath.LANES];
        VectorMath.exp(FloatVector.fromArray(VectorMath.SPECIES, x, 0)).intoArray(y, 0);
        assertThat(y[0]).isEqualTo(1f);
        assertThat(y[1]).isGreaterThanOrEqualTo(0f).isLessThan(1e-37f);
        assertThat(y[2]).isGreaterThanOrEqualTo(0f).isLessThan(1e-37f);
        assertThat(y[3]).isFinite().isGreaterThan(1e38f);
    }

    @Test
    void sumAddsHalvesInAFixedTree() {
        float[] x = KernelTestData.gaussian(3, VectorMath.LANES);
        float[] level = x.clone();
        for (int width = level.length / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                level[i] = level[i] + level[i + width];
            }
        }
        float sum = VectorMath.sum(FloatVector.fromArray(VectorMath.SPECIES, x, 0));
        assertThat(sum).isEqualTo(level[0]);
        double exact = 0;
        for (float v : x) {
            exact += v;
        }
        assertThat((double) sum).isCloseTo(exact, within(1e-5));
    }
}
