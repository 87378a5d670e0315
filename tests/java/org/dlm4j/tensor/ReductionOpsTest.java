package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dlm4j.tensor.TestData.random;

import org.junit.jupiter.api.Test;

class ReductionOpsTest {

    @Test
    void sumAndMeanRemoveTheAxis() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(x.sum(0).shape()).containsExactly(3);
        assertThat(x.sum(0).data()).containsExactly(5, 7, 9);
        assertThat(x.sum(-1).data()).containsExactly(6, 15);
        assertThat(x.mean(1).data()).containsExactly(2, 5);
        assertThat(x.sum().rank()).isZero();
        assertThat(x.sum().item()).isEqualTo(21f);
        assertThat(x.mean().item()).isEqualTo(3.5f);
        assertThatThrownBy(() -> x.sum(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis 2");
    }

    @Test
    void gradients() {
        Tensor x = random(1, 2, 3, 4);
        for (int axis = -1; axis < 3; axis++) {
            int a = axis;
            GradCheck.check("sum(axis " + a + ")", () -> x.sum(a), x);
            GradCheck.check("mean(axis " + a + ")", () -> x.mean(a), x);
        }
        Tensor withOnes = random(2, 1, 3, 1);
        GradCheck.check("sum over size-1 axis", () -> withOnes.sum(2), withOnes);
        GradCheck.check("mean over size-1 axis", () -> withOnes.mean(0), withOnes);
        GradCheck.check("sum()", x::sum, x);
        GradCheck.check("mean()", x::mean, x);
    }
}
