package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CrossEntropyTest {

    @Test
    void weightedLossesAndIgnoredRows() {
        int rows = 3;
        int vocab = 4;
        float[] logits = KernelTestData.gaussian(2, rows * vocab);
        int[] targets = {2, -1, 0};
        float[] weights = {0.5f, 0f, 2f};
        float[] losses = new float[rows];
        float[] lse = new float[rows];
        double total = CrossEntropy.forward(logits, targets, weights, losses, lse, rows, vocab);
        double expected = 0;
        for (int r : new int[] {0, 2}) {
            double sum = 0;
            for (int c = 0; c < vocab; c++) {
                sum += Math.exp(logits[r * vocab + c]);
            }
            double loss = Math.log(sum) - logits[r * vocab + targets[r]];
            assertThat((double) losses[r]).isCloseTo(loss, within(1e-6));
            expected += weights[r] * loss;
        }
        assertThat(losses[1]).isZero();
        assertThat(total).isCloseTo(expected, within(1e-5));

        float[] dlogits = new float[rows * vocab];
        CrossEntropy.backward(logits, lse, targets, weights, 1f, dlogits, rows, vocab);
        double rowSum = 0;
        for (int c = 0; c < vocab; c++) {
            assertThat(dlogits[vocab + c]).as("ignored row").isZero();
            rowSum += dlogits[c];
        }
        assertThat(rowSum).as("softmax minus one-hot sums to zero").isCloseTo(0, within(1e-6));
    }

    @Test
    void badTargetIsAClearError() {
        assertThatThrownBy(() -> CrossEntropy.forward(new float[4], new int[] {4}, null, new float[1], new float[1], 1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target 4 at row 0");
    }
}
