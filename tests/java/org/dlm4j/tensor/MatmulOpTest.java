package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dlm4j.tensor.TestData.random;

import org.junit.jupiter.api.Test;

class MatmulOpTest {

    @Test
    void values() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertThat(a.matmul(b).shape()).containsExactly(2, 2);
        assertThat(a.matmul(b).data()).containsExactly(4, 5, 10, 11);
        Tensor weight = Tensor.of(new float[] {1, 0, 1, 0, 1, 0}, 2, 3); // (out 2, in 3)
        Tensor bias = Tensor.of(new float[] {0.5f, -1}, 2);
        assertThat(a.linear(weight, bias).data()).containsExactly(4.5f, 1, 10.5f, 4);
    }

    @Test
    void shapeErrors() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner sizes");
        assertThatThrownBy(() -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 2)))
                .hasMessageContaining("batch dims");
        assertThatThrownBy(() -> Tensor.zeros(3).matmul(Tensor.zeros(3, 2))).hasMessageContaining("rank >= 2");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).linear(Tensor.zeros(3, 2), null))
                .hasMessageContaining("does not match weight");
    }

    @Test
    void gradients() {
        Tensor a = random(1, 3, 4);
        Tensor b = random(2, 4, 5);
        GradCheck.check("matmul rank 2", () -> a.matmul(b), a, b);
        Tensor batchA = random(3, 2, 3, 4, 5);
        Tensor batchB = random(4, 2, 3, 5, 2);
        GradCheck.check("matmul batched", () -> batchA.matmul(batchB), batchA, batchB);
        Tensor x = random(5, 2, 3, 4);
        GradCheck.check("matmul with shared weight", () -> x.matmul(b), x, b);
        Tensor column = random(6, 1, 4, 1);
        Tensor row = random(7, 1, 1, 3);
        GradCheck.check("matmul size-1 dims", () -> column.matmul(row), column, row);
    }

    @Test
    void linearEqualsMatmulWithTransposedWeight() {
        Tensor x = random(8, 2, 3, 5);
        Tensor weight = random(9, 4, 5);
        Tensor bias = random(10, 4);
        TestData.assertSameFunction("linear", () -> x.linear(weight, bias),
                () -> x.matmul(weight.transpose(0, 1)).add(bias), 1e-5, x, weight, bias);
        GradCheck.check("linear", () -> x.linear(weight, bias), x, weight, bias);
        GradCheck.check("linear without bias", () -> x.linear(weight, null), x, weight);
    }
}
