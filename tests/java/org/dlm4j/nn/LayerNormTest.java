package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.dlm4j.tensor.GradCheck;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.TestData;
import org.junit.jupiter.api.Test;

class LayerNormTest {

    @Test
    void initIsOnesAndZerosAndNormalises() {
        LayerNorm norm = new LayerNorm(4, true);
        assertThat(norm.namedParameters().get("weight").data()).containsOnly(1f);
        assertThat(norm.namedParameters().get("bias").data()).containsOnly(0f);
        float[] y = norm.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)).data();
        float rstd = (float) (1 / Math.sqrt(1.25 + LayerNorm.EPS));
        assertThat(y[0]).isCloseTo(-1.5f * rstd, org.assertj.core.api.Assertions.within(1e-6f));
    }

    @Test
    void gradients() {
        for (boolean bias : new boolean[] {true, false}) {
            LayerNorm norm = new LayerNorm(5, bias);
            NnTestData.randomize(norm, 1, 1f);
            Tensor x = TestData.random(2, 3, 5);
            GradCheck.check("LayerNorm bias=" + bias + " parameters", () -> norm.forward(x), norm.namedParameters());
            GradCheck.check("LayerNorm bias=" + bias + " input", () -> norm.forward(x), x);
        }
    }
}
