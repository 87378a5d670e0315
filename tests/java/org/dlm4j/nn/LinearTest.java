package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.GradCheck;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.TestData;
import org.junit.jupiter.api.Test;

class LinearTest {

    @Test
    void initIsGpt2() {
        Linear linear = new Linear(128, 96, true, new Rng(1));
        assertThat(linear.weight().shape()).containsExactly(96, 128);
        assertThat(NnTestData.std(linear.weight().data())).isCloseTo(0.02, within(0.001));
        assertThat(linear.bias().data()).containsOnly(0f);
        Linear custom = new Linear(128, 96, false, new Rng(1), 0.005f);
        assertThat(NnTestData.std(custom.weight().data())).isCloseTo(0.005, within(0.0003));
        assertThat(custom.bias()).isNull();
    }

    @Test
    void forwardIsXWTransposedPlusBias() {
        Linear linear = new Linear(2, 2, true, new Rng(2));
        System.arraycopy(new float[] {1, 2, 3, 4}, 0, linear.weight().data(), 0, 4);
        System.arraycopy(new float[] {10, 20}, 0, linear.bias().data(), 0, 2);
        Tensor y = linear.forward(Tensor.of(new float[] {1, 1}, 1, 2));
        assertThat(y.data()).containsExactly(13, 27);
    }

    @Test
    void gradients() {
        for (boolean bias : new boolean[] {true, false}) {
            Linear linear = new Linear(5, 3, bias, new Rng(3));
            NnTestData.randomize(linear, 4, 1f);
            Tensor x = TestData.random(5, 2, 4, 5);
            GradCheck.check("Linear bias=" + bias + " parameters", () -> linear.forward(x), linear.namedParameters());
            GradCheck.check("Linear bias=" + bias + " input", () -> linear.forward(x), x);
        }
    }
}
