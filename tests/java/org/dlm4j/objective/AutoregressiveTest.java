package org.dlm4j.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AutoregressiveTest {
    private static final int MASK = 6;

    @Test
    void shiftsInputsAndTargetsByOne() {
        Autoregressive ar = new Autoregressive(MASK, 0);
        int[] windows = {0, 1, 2, 3, /* row 2 */ 5, 4, 3, 2};
        Autoregressive.Batch batch = ar.shift(windows, 2, 3, 0, null);
        assertThat(batch.inputs()).containsExactly(0, 1, 2, 5, 4, 3);
        assertThat(batch.targets()).containsExactly(1, 2, 3, 4, 3, 2);
    }

    @Test
    void lossOfAKnownDistributionIsTheMeanNllOfTheTargets() {
        float[] logits = {1.0f, -0.5f, 2.0f, 0.25f, 0f, -1f, -3f};
        Transformer model = ObjectiveTestData.fixedLogitsModel(logits, 4, true);
        int[] windows = {0, 1, 2, 3, 4, /* row 2 */ 5, 5, 0, 2, 2};
        Loss loss = new Autoregressive(MASK, 0).loss(model, windows, 2, 4, new Rng(1));
        double[] p = ObjectiveTestData.softmax(logits);
        double expected = -(Math.log(p[1]) + Math.log(p[2]) + Math.log(p[3]) + Math.log(p[4])
                + Math.log(p[5]) + Math.log(p[0]) + Math.log(p[2]) + Math.log(p[2])) / 8;
        assertThat(loss.item()).isCloseTo(expected, within(1e-5));
        assertThat(loss.tokens()).isEqualTo(8);
    }

    @Test
    void lossOfARandomModelIsTheCrossEntropyOfItsShiftedPredictions() {
        Transformer model = ObjectiveTestData.randomModel(7, 5, true, 0f, 3);
        int[] windows = ObjectiveTestData.uniformTokens(3 * 6, 6, 4);
        Loss loss = new Autoregressive(MASK, 0).loss(model, windows, 3, 5, new Rng(5));
        int[] in = new int[15];
        for (int b = 0; b < 3; b++) {
            System.arraycopy(windows, b * 6, in, b * 5, 5);
        }
        float[] logits = model.forward(in, 3, 5, null).data();
        double sum = 0;
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 5; t++) {
                sum += ObjectiveTestData.crossEntropy(logits, b * 5 + t, 7, windows[b * 6 + t + 1]);
            }
        }
        assertThat(loss.item()).isCloseTo(sum / 15, within(1e-5));
        loss.value().backward();
        assertThat(model.namedParameters().get("head.weight").grad()).isNotNull().doesNotContain(Float.NaN);
    }

    @Test
    void inputMaskingReplacesAboutPOfTheInputsAndNeverTheTargets() {
        double ratio = 0.3;
        Autoregressive ar = new Autoregressive(MASK, ratio);
        int batchSize = 40;
        int length = 50;
        int[] windows = ObjectiveTestData.uniformTokens(batchSize * (length + 1), MASK, 6);
        Autoregressive.Batch clean = ar.shift(windows, batchSize, length, 0, null);
        Autoregressive.Batch noisy = ar.shift(windows, batchSize, length, ratio, new Rng(7));
        assertThat(noisy.targets()).containsExactly(clean.targets());
        int masked = 0;
        for (int i = 0; i < clean.inputs().length; i++) {
            if (noisy.inputs()[i] == MASK) {
                masked++;
            } else {
                assertThat(noisy.inputs()[i]).isEqualTo(clean.inputs()[i]);
            }
        }
        // 2000 Bernoulli(0.3) draws: standard deviation of the fraction about 0.01.
        assertThat(masked / 2000.0).isCloseTo(ratio, within(0.035));
    }

    @Test
    void evaluateIsTheExactNllInEvalModeWithoutInputMasking() {
        Transformer model = ObjectiveTestData.randomModel(7, 5, true, 0.2f, 8);
        int[] windows = ObjectiveTestData.uniformTokens(2 * 6, 6, 9);
        Autoregressive masking = new Autoregressive(MASK, 0.5);
        double evaluated = masking.evaluate(model, windows, 2, 5, new Rng(10));
        assertThat(model.isTraining()).isTrue();
        model.train(false);
        double clean = new Autoregressive(MASK, 0).loss(model, windows, 2, 5, new Rng(11)).item();
        assertThat(evaluated).isEqualTo(clean);
    }

    @Test
    void sameSeedGivesBitIdenticalLosses() {
        Transformer model = ObjectiveTestData.randomModel(7, 5, true, 0.2f, 12);
        int[] windows = ObjectiveTestData.uniformTokens(2 * 6, 6, 13);
        Autoregressive ar = new Autoregressive(MASK, 0.25);
        double first = ar.loss(model, windows, 2, 5, new Rng(14)).item();
        double second = ar.loss(model, windows, 2, 5, new Rng(14)).item();
        double other = ar.loss(model, windows, 2, 5, new Rng(15)).item();
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void evaluateOfAFixedDistributionOnItsOwnSamplesIsItsEntropy() {
        float[] logits = {0.5f, 1.5f, -0.5f, 0f, 1f, -1f, -30f};
        Transformer model = ObjectiveTestData.fixedLogitsModel(logits, 16, true);
        int[] windows = ObjectiveTestData.sampleTokens(64 * 17, logits, new Rng(16));
        double nll;
        try (var scope = Tensor.noGrad()) {
            nll = new Autoregressive(MASK, 0).evaluate(model, windows, 64, 16, new Rng(0));
        }
        assertThat(nll).isCloseTo(ObjectiveTestData.entropy(logits), within(0.05));
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> new Autoregressive(ObjectiveOptions.NO_MASK, 0.1))
                .hasMessageContaining("needs a mask id");
        assertThatThrownBy(() -> new Autoregressive(MASK, 1.0)).hasMessageContaining("inputMaskRatio must be in [0, 1)");
        Transformer bidirectional = ObjectiveTestData.randomModel(7, 5, false, 0f, 1);
        assertThatThrownBy(() -> new Autoregressive(MASK, 0).loss(bidirectional, new int[12], 2, 5, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a causal model");
        Transformer causal = ObjectiveTestData.randomModel(7, 5, true, 0f, 1);
        assertThatThrownBy(() -> new Autoregressive(7, 0.1).loss(causal, new int[12], 2, 5, new Rng(1)))
                .hasMessage("mask id 7 must be < vocabSize 7");
        assertThatThrownBy(() -> new Autoregressive(MASK, 0).loss(causal, new int[10], 2, 5, new Rng(1)))
                .hasMessageContaining("10 window tokens");
    }
}
