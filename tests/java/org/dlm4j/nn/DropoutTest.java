package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.TestData;
import org.junit.jupiter.api.Test;

class DropoutTest {

    @Test
    void activeOnlyInTrainingAndSeededByTheCallersRng() {
        Dropout dropout = new Dropout(0.5f);
        Tensor x = TestData.random(1, 100);
        float[] first = dropout.forward(x, new Rng(7)).data();
        assertThat(dropout.forward(x, new Rng(7)).data()).containsExactly(first);
        assertThat(dropout.forward(x, new Rng(8)).data()).isNotEqualTo(first);
        long zeros = 0;
        for (float v : first) {
            zeros += v == 0f ? 1 : 0;
        }
        assertThat(zeros).isBetween(30L, 70L);
        dropout.train(false);
        assertThat(dropout.forward(x, null)).isSameAs(x);
    }

    @Test
    void drawsExactlyOneSeedPerCallWhateverTheMode() {
        Rng training = new Rng(3);
        Rng evaluating = new Rng(3);
        Dropout active = new Dropout(0.2f);
        Dropout inactive = new Dropout(0.2f);
        inactive.train(false);
        active.forward(Tensor.zeros(4), training);
        inactive.forward(Tensor.zeros(4), evaluating);
        assertThat(training.state()).isEqualTo(evaluating.state()).isNotEqualTo(new Rng(3).state());
    }

    @Test
    void trainingModeWithoutRngIsAnError() {
        assertThatThrownBy(() -> new Dropout(0.1f).forward(Tensor.zeros(2), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an Rng");
        assertThat(new Dropout(0f).forward(Tensor.zeros(2), null).size()).isEqualTo(2);
        assertThatThrownBy(() -> new Dropout(1f)).hasMessageContaining("[0, 1)");
    }
}
