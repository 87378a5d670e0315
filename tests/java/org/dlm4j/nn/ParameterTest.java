package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.dlm4j.kernels.Rng;
import org.junit.jupiter.api.Test;

class ParameterTest {

    @Test
    void parametersAreTrainableLeavesAndMatricesGetWeightDecay() {
        Parameter matrix = Parameter.normal(new Rng(1), 0.02f, 3, 4);
        Parameter vector = Parameter.filled(1f, 4);
        assertThat(matrix.requiresGrad()).isTrue();
        assertThat(matrix.isLeaf()).isTrue();
        assertThat(matrix.weightDecay()).isTrue();
        assertThat(vector.weightDecay()).isFalse();
        assertThat(vector.data()).containsExactly(1f, 1f, 1f, 1f);
        assertThat(Parameter.normal(new Rng(1), 0.02f, 3, 4).data()).containsExactly(matrix.data());
    }
}
