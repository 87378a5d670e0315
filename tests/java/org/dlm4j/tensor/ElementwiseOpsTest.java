package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dlm4j.tensor.TestData.random;
import static org.dlm4j.tensor.TestData.uniform;

import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {

    @Test
    void broadcastingFollowsTrailingDimensions() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        Tensor column = Tensor.of(new float[] {100, 200}, 2, 1);
        assertThat(a.add(row).data()).containsExactly(11, 22, 33, 14, 25, 36);
        assertThat(a.add(column).data()).containsExactly(101, 102, 103, 204, 205, 206);
        assertThat(column.add(row).shape()).containsExactly(2, 3);
        assertThat(column.add(row).data()).containsExactly(110, 120, 130, 210, 220, 230);
        assertThat(row.sub(a).data()).containsExactly(9, 18, 27, 6, 15, 24);
        assertThat(a.mul(Tensor.scalar(2)).data()).containsExactly(2, 4, 6, 8, 10, 12);
        assertThat(a.div(row).data()[5]).isEqualTo(6f / 30f);
    }

    @Test
    void mismatchedShapesNameBothShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[2]");
    }

    @Test
    void unaryValues() {
        Tensor x = Tensor.of(new float[] {0, 1}, 2);
        assertThat(x.exp().data()).containsExactly(1f, (float) Math.E);
        assertThat(x.exp().log().data()).containsExactly(0f, (float) Math.log((float) Math.E));
        assertThat(x.tanh().data()[1]).isEqualTo((float) Math.tanh(1));
    }

    @Test
    void binaryGradientsReduceOverBroadcastAxes() {
        int[][][] shapePairs = {
            {{2, 3}, {2, 3}},
            {{2, 3, 4}, {4}},
            {{2, 1, 4}, {3, 1}},
            {{3}, {2, 1}},
            {{}, {2, 3}},
            {{1}, {5}},
            {{3, 1}, {1, 5}},
        };
        long seed = 1;
        for (int[][] pair : shapePairs) {
            Tensor a = random(seed++, pair[0]);
            Tensor b = random(seed++, pair[1]);
            Tensor positive = uniform(seed++, 0.5f, 2f, pair[1]);
            String shapes = java.util.Arrays.deepToString(pair);
            GradCheck.check("add " + shapes, () -> a.add(b), a, b);
            GradCheck.check("sub " + shapes, () -> a.sub(b), a, b);
            GradCheck.check("mul " + shapes, () -> a.mul(b), a, b);
            GradCheck.check("div " + shapes, () -> a.div(positive), a, positive);
        }
    }

    @Test
    void unaryGradients() {
        Tensor x = random(11, 3, 5);
        Tensor positive = uniform(12, 0.5f, 3f, 3, 5);
        GradCheck.check("exp", x::exp, x);
        GradCheck.check("log", positive::log, positive);
        GradCheck.check("tanh", x::tanh, x);
        GradCheck.check("mul(float)", () -> x.mul(-1.5f), x);
    }
}
