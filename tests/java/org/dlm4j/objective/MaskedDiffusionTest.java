package org.dlm4j.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.junit.jupiter.api.Test;

class MaskedDiffusionTest {
    private static final int VOCAB = 7;
    private static final int MASK = 6;

    private static MaskedDiffusion diffusion(DiffusionVariant variant) {
        return new MaskedDiffusion(MASK, variant, false, 0);
    }

    @Test
    void paperMaskFractionAveragesOneHalfAndNoRowIsEmpty() {
        int batchSize = 4000;
        int length = 16;
        MaskSample sample = diffusion(DiffusionVariant.PAPER).drawMask(batchSize, length, new Rng(1));
        double fraction = 0;
        for (int b = 0; b < batchSize; b++) {
            assertThat(sample.maskedCount(b)).as("row %d", b).isPositive();
            assertThat(sample.noiseLevels()[b]).isBetween(0.0, 1.0);
            assertThat(sample.rowWeights()[b]).isEqualTo((float) length / sample.maskedCount(b));
            fraction += (double) sample.maskedCount(b) / length;
        }
        // E[m/L] = E[t] = 1/2, plus the forced mask: + E[(1-t)^L] / L = 1 / ((L+1) L) ~ 0.004.
        assertThat(fraction / batchSize).isCloseTo(0.5 + 1.0 / (17 * 16), within(0.015));
        assertThat(sample.normaliser()).isEqualTo(batchSize * length);
    }

    @Test
    void stratifiedNoiseLevelsPutOneTInEachStratumWithOneSharedOffset() {
        MaskedDiffusion stratified = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, true, 0);
        int batchSize = 8;
        double[] t = stratified.drawNoiseLevels(batchSize, new Rng(2));
        double u = t[0] * batchSize;
        for (int b = 0; b < batchSize; b++) {
            assertThat(t[b]).isGreaterThanOrEqualTo((double) b / batchSize).isLessThan((double) (b + 1) / batchSize);
            assertThat(t[b] * batchSize - b).isCloseTo(u, within(1e-12));
        }
        double[] independent = diffusion(DiffusionVariant.PAPER).drawNoiseLevels(batchSize, new Rng(2));
        assertThat(independent).isNotEqualTo(t);
    }

    @Test
    void lladaEvalMasksExactlyLPositionsWithLUniformAndWeightsLOverL() {
        int length = 5;
        MaskSample sample = diffusion(DiffusionVariant.LLADA_EVAL).drawMask(1000, length, new Rng(3));
        Set<Integer> counts = new HashSet<>();
        double fraction = 0;
        for (int b = 0; b < 1000; b++) {
            int l = sample.maskedCount(b);
            counts.add(l);
            assertThat(sample.noiseLevels()[b]).isEqualTo((double) l / length);
            assertThat(sample.rowWeights()[b]).isEqualTo((float) length / l);
            fraction += (double) l / length;
        }
        assertThat(counts).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        // l uniform on {1..L}: E[l/L] = (L+1) / (2L) = 0.6.
        assertThat(fraction / 1000).isCloseTo(0.6, within(0.02));
    }

    @Test
    void mdlmDrawsTAboveEpsMasksWithOneMinusEpsTimesTAndWeighsOneOverT() {
        MaskSample sample = diffusion(DiffusionVariant.MDLM).drawMask(3000, 4, new Rng(4));
        int emptyRows = 0;
        double fraction = 0;
        for (int b = 0; b < 3000; b++) {
            double t = sample.noiseLevels()[b];
            assertThat(t).isGreaterThanOrEqualTo(MaskedDiffusion.NOISE_EPS).isLessThan(1.0);
            assertThat(sample.rowWeights()[b]).isEqualTo((float) (1.0 / t));
            emptyRows += sample.maskedCount(b) == 0 ? 1 : 0;
            fraction += sample.maskedCount(b) / 4.0;
        }
        // No forced mask: P(empty row) = E[(1-t)^4] = 1/5 (up to eps).
        assertThat(emptyRows / 3000.0).isCloseTo(0.2, within(0.03));
        assertThat(fraction / 3000).isCloseTo(0.5, within(0.02));
    }

    @Test
    void lladaMasksWithProbabilityPAboveEpsAndWeighsOneOverP() {
        MaskSample sample = diffusion(DiffusionVariant.LLADA).drawMask(3000, 4, new Rng(5));
        double fraction = 0;
        for (int b = 0; b < 3000; b++) {
            double p = sample.noiseLevels()[b];
            assertThat(p).isGreaterThanOrEqualTo(MaskedDiffusion.NOISE_EPS).isLessThan(1.0);
            assertThat(sample.rowWeights()[b]).isEqualTo((float) (1.0 / p));
            fraction += sample.maskedCount(b) / 4.0;
        }
        assertThat(fraction / 3000).isCloseTo(0.5, within(0.02));
    }

    @Test
    void lossFromAnExplicitMaskMatchesTheFormulaOfEachVariant() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, 4, false, 0f, 5);
        int[] x0 = {0, 1, 2, 3, /* row 1 */ 4, 5, 4, 0, /* row 2 */ 2, 2, 1, 3};
        boolean[] mask = {true, false, false, false, /* */ true, true, true, true, /* */ false, true, false, true};
        int[] noisy = {MASK, 1, 2, 3, MASK, MASK, MASK, MASK, 2, MASK, 1, MASK};
        double[] t = {0.2, 0.9, 0.6};
        float[] logits = model.forward(noisy, 3, 4, null).data();
        double[] rowSum = new double[3];
        int[] rowCount = new int[3];
        for (int i = 0; i < 12; i++) {
            if (mask[i]) {
                rowSum[i / 4] += ObjectiveTestData.crossEntropy(logits, i, VOCAB, x0[i]);
                rowCount[i / 4]++;
            }
        }
        // paper and llada-eval: sum over masked CE / (fraction masked) / (B*L)
        double bound = (rowSum[0] / 0.25 + rowSum[1] / 1.0 + rowSum[2] / 0.5) / 12;
        // llada and mdlm: weight 1/p and 1/t, the given noise levels
        double mdlm = (rowSum[0] / 0.2 + rowSum[1] / 0.9 + rowSum[2] / 0.6) / 12;
        // masked-mean: all masked CE / number masked
        double maskedMean = (rowSum[0] + rowSum[1] + rowSum[2]) / 7;

        assertThat(lossOf(DiffusionVariant.PAPER, model, x0, mask, null)).isCloseTo(bound, within(1e-5));
        assertThat(lossOf(DiffusionVariant.LLADA_EVAL, model, x0, mask, null)).isCloseTo(bound, within(1e-5));
        assertThat(lossOf(DiffusionVariant.LLADA, model, x0, mask, t)).isCloseTo(mdlm, within(1e-5));
        assertThat(lossOf(DiffusionVariant.MDLM, model, x0, mask, t)).isCloseTo(mdlm, within(1e-5));
        assertThat(lossOf(DiffusionVariant.MASKED_MEAN, model, x0, mask, null)).isCloseTo(maskedMean, within(1e-5));

        // The documented difference: the bound averages each row's mean masked CE with equal weight;
        // masked-mean weighs rows by their number of masks.
        double rowAverage = (rowSum[0] / 1 + rowSum[1] / 4 + rowSum[2] / 2) / 3;
        assertThat(bound).isCloseTo(rowAverage, within(1e-9));
        assertThat(maskedMean).isNotCloseTo(bound, within(1e-3));
    }

    private static double lossOf(DiffusionVariant variant, Transformer model, int[] x0, boolean[] mask, double[] t) {
        MaskedDiffusion objective = diffusion(variant);
        Loss loss = objective.loss(model, x0, objective.weigh(mask, t, 3, 4), null);
        assertThat(loss.tokens()).isEqualTo(12);
        return loss.item();
    }

    /**
     * The bound property: a model that predicts a fixed p, on tokens drawn i.i.d. from p, has NLL
     * H(p) per token, and the ELBO is tight for it, so every bound's expectation is H(p). Masked-mean
     * also gives H(p) here (a context-free model makes every row equally hard); it departs from
     * the bound only when difficulty depends on the mask rate (see the explicit-mask test).
     */
    @Test
    void boundOfAFixedDistributionOnItsOwnSamplesIsItsEntropy() {
        float[] logits = {0.5f, 1.5f, -0.5f, 0f, 1f, -1f, -30f}; // the mask id 6 has probability ~1e-13
        double entropy = ObjectiveTestData.entropy(logits);
        int batchSize = 64;
        int length = 8;
        Transformer model = ObjectiveTestData.fixedLogitsModel(logits, length, false);
        for (DiffusionVariant variant : DiffusionVariant.values()) {
            MaskedDiffusion objective = new MaskedDiffusion(MASK, variant, true, 0);
            Rng data = new Rng(6);
            double sum = 0;
            int batches = 40;
            for (int i = 0; i < batches; i++) {
                int[] windows = ObjectiveTestData.sampleTokens(batchSize * (length + 1), logits, data);
                sum += objective.evaluate(model, windows, batchSize, length, new Rng(100 + i));
            }
            assertThat(sum / batches).as(variant.label()).isCloseTo(entropy, within(0.06 * entropy));
        }
    }

    @Test
    void randomLengthCutsTheBatchAndNormalisesByItsTokens() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, 8, false, 0f, 7);
        int[] windows = ObjectiveTestData.uniformTokens(3 * 9, MASK, 8);
        MaskedDiffusion always = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0);
        Set<Double> tokens = new HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            Loss loss = always.loss(model, windows, 3, 8, new Rng(seed));
            tokens.add(loss.tokens());
            // Replay the documented draw order: coin, L' = 1 + nextInt(T), the mask, the loss.
            Rng replay = new Rng(seed);
            assertThat(replay.nextDouble()).isLessThan(1.0);
            int used = 1 + replay.nextInt(8);
            int[] x0 = new int[3 * used];
            for (int b = 0; b < 3; b++) {
                System.arraycopy(windows, b * 9, x0, b * used, used);
            }
            MaskSample sample = always.drawMask(3, used, replay);
            assertThat(loss.tokens()).isEqualTo(3.0 * used);
            assertThat(loss.item()).isEqualTo(always.loss(model, x0, sample, replay).item());
        }
        assertThat(tokens.size()).isGreaterThan(3);
        assertThat(diffusion(DiffusionVariant.PAPER).loss(model, windows, 3, 8, new Rng(1)).tokens()).isEqualTo(24);
    }

    @Test
    void evaluateIsTheBoundInEvalModeAtFullLength() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, 8, false, 0.3f, 9);
        int[] windows = ObjectiveTestData.uniformTokens(3 * 9, MASK, 10);
        MaskedDiffusion withRandomLength = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0);
        double evaluated = withRandomLength.evaluate(model, windows, 3, 8, new Rng(11));
        assertThat(model.isTraining()).isTrue();
        assertThat(withRandomLength.evaluate(model, windows, 3, 8, new Rng(11))).isEqualTo(evaluated);

        model.train(false);
        double evalModeLoss = diffusion(DiffusionVariant.PAPER).loss(model, windows, 3, 8, new Rng(11)).item();
        assertThat(evaluated).isEqualTo(evalModeLoss);
        model.train(true);
        double trainingLoss = diffusion(DiffusionVariant.PAPER).loss(model, windows, 3, 8, new Rng(11)).item();
        assertThat(trainingLoss).as("dropout is active in training").isNotEqualTo(evaluated);
    }

    @Test
    void sameSeedGivesBitIdenticalLossesAndGradientsFlow() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, 8, false, 0.2f, 12);
        int[] windows = ObjectiveTestData.uniformTokens(4 * 9, MASK, 13);
        for (DiffusionVariant variant : DiffusionVariant.values()) {
            MaskedDiffusion objective = new MaskedDiffusion(MASK, variant, true, 0.5);
            Loss first = objective.loss(model, windows, 4, 8, new Rng(14));
            double second = objective.loss(model, windows, 4, 8, new Rng(14)).item();
            double other = objective.loss(model, windows, 4, 8, new Rng(15)).item();
            assertThat(second).as(variant.label()).isEqualTo(first.item());
            assertThat(other).as(variant.label()).isNotEqualTo(first.item());
            model.zeroGrad();
            first.value().backward();
            float[] grad = model.namedParameters().get("token_embedding.weight").grad();
            assertThat(grad).isNotNull();
            double norm = 0;
            for (float g : grad) {
                norm += g * g;
            }
            assertThat(norm).as(variant.label()).isPositive().isFinite();
        }
    }

    @Test
    void rejectsWhatCannotWork() {
        Transformer causal = ObjectiveTestData.randomModel(VOCAB, 4, true, 0f, 1);
        assertThatThrownBy(() -> diffusion(DiffusionVariant.PAPER).loss(causal, new int[10], 2, 4, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a bidirectional model (config causal=false)");
        Transformer bidirectional = ObjectiveTestData.randomModel(VOCAB, 4, false, 0f, 1);
        assertThatThrownBy(() -> new MaskedDiffusion(VOCAB, DiffusionVariant.PAPER, false, 0)
                .loss(bidirectional, new int[10], 2, 4, new Rng(1)))
                .hasMessage("mask id 7 must be < vocabSize 7");
        assertThatThrownBy(() -> new MaskedDiffusion(-1, DiffusionVariant.PAPER, false, 0))
                .hasMessageContaining("needs a mask id");
        assertThatThrownBy(() -> new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.5))
                .hasMessageContaining("randomLengthFraction must be in [0, 1]");
        assertThatThrownBy(() -> diffusion(DiffusionVariant.MDLM).weigh(new boolean[4], null, 1, 4))
                .hasMessageContaining("needs the noise levels");
        assertThatThrownBy(() -> diffusion(DiffusionVariant.LLADA).weigh(new boolean[4], null, 1, 4))
                .hasMessageContaining("needs the noise levels");
        assertThatThrownBy(() -> diffusion(DiffusionVariant.PAPER).weigh(new boolean[5], null, 1, 4))
                .hasMessageContaining("mask has 5 entries");
    }
}
