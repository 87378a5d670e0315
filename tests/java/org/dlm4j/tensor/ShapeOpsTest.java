package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dlm4j.tensor.TestData.random;

import org.junit.jupiter.api.Test;

class ShapeOpsTest {

    @Test
    void reshapeSharesDataAndInfersOneSize() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = x.reshape(3, -1);
        assertThat(y.shape()).containsExactly(3, 2);
        assertThat(y.data()).isSameAs(x.data());
        assertThatThrownBy(() -> x.reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> x.reshape(-1, -1)).hasMessageContaining("only one");
    }

    @Test
    void transposeSwapsAxes() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = x.transpose(0, 1);
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.data()).containsExactly(1, 4, 2, 5, 3, 6);
        Tensor cube = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        assertThat(cube.transpose(0, 2).data()).containsExactly(0, 4, 2, 6, 1, 5, 3, 7);
    }

    @Test
    void narrowTakesASlice() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(x.narrow(1, 1, 2).data()).containsExactly(2, 3, 5, 6);
        assertThat(x.narrow(0, 1, 1).data()).containsExactly(4, 5, 6);
        assertThatThrownBy(() -> x.narrow(1, 2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside axis 1");
    }

    @Test
    void gradients() {
        Tensor x = random(1, 2, 3, 5);
        GradCheck.check("reshape", () -> x.reshape(5, 6).mul(x.reshape(5, 6)), x);
        GradCheck.check("transpose(0, 2)", () -> x.transpose(0, 2), x);
        GradCheck.check("transpose(1, -1)", () -> x.transpose(1, -1), x);
        GradCheck.check("narrow(2, 1, 3)", () -> x.narrow(2, 1, 3), x);
        GradCheck.check("narrow(0, 1, 1)", () -> x.narrow(0, 1, 1), x);
    }
}
