package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.GradCheck;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.TestData;
import org.junit.jupiter.api.Test;

class SelfAttentionTest {

    @Test
    void causalOutputDoesNotSeeLaterPositions() {
        SelfAttention causal = new SelfAttention(6, 3, true, false, true, 1, new Rng(1));
        NnTestData.randomize(causal, 2, 1f);
        Tensor x = TestData.random(3, 1, 4, 6);
        float[] before = causal.forward(x).data().clone();
        x.data()[3 * 6] += 1f; // change position 3
        float[] after = causal.forward(x).data();
        for (int i = 0; i < 3 * 6; i++) {
            assertThat(after[i]).isEqualTo(before[i]);
        }
        assertThat(after[3 * 6]).isNotEqualTo(before[3 * 6]);
        assertThatThrownBy(() -> new SelfAttention(6, 4, true, false, true, 1, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divisible");
    }

    @Test
    void gradients() {
        for (boolean causal : new boolean[] {true, false}) {
            SelfAttention attention = new SelfAttention(6, 2, causal, false, true, 2, new Rng(4));
            NnTestData.randomize(attention, 5, 0.5f);
            Tensor x = TestData.random(6, 2, 3, 6);
            GradCheck.check("SelfAttention causal=" + causal + " parameters", () -> attention.forward(x),
                    attention.namedParameters());
            GradCheck.check("SelfAttention causal=" + causal + " input", () -> attention.forward(x), x);
        }
    }
}
