package org.dlm4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.kernels.FlopCounter;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.Loss;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.objective.Objectives;
import org.dlm4j.sample.ArSampler;
import org.dlm4j.sample.DiffusionOptions;
import org.dlm4j.sample.DiffusionSampler;
import org.dlm4j.sample.KvCacheDecoder;
import org.dlm4j.sample.SamplingOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The analytic counts against {@link FlopCounter} on the real tiny model. Both sides count only the
 * matrix products (Linear layers, head, attention scores and weighted sums); embeddings, LayerNorm,
 * GELU, softmax, adds, dropout and cross-entropy are left out of both.
 */
class FlopsTest {
    private static final int B = 2;
    private static final int T = 16;
    private static final TransformerConfig TINY = TransformerConfig.preset("tiny", ByteTokenizer.VOCAB_SIZE);
    private static final TransformerConfig PAPER_1B = TransformerConfig.preset("paper-1b",
            TransformerConfig.PAPER_VOCAB_SIZE);

    @AfterEach
    void stopCounting() {
        FlopCounter.disable();
        FlopCounter.reset();
    }

    @Test
    void aTrainingStepCountsThreeForwardsForBothObjectives() {
        for (String name : Objectives.NAMES) {
            Objective objective = Objectives.create(name, ObjectiveOptions.defaults(ByteTokenizer.MASK));
            TransformerConfig config = TINY.withCausal(objective.causal());
            Transformer model = new Transformer(config, new Rng(1));
            int[] windows = new int[B * (T + 1)];
            Rng data = new Rng(2);
            for (int i = 0; i < windows.length; i++) {
                windows[i] = data.nextInt(256);
            }
            long counted = countedTrainingStep(model, objective, windows);
            long analytic = Flops.trainingStep(config, B, T);
            assertThat((double) counted).as(name).isCloseTo(analytic, withinPercentage(1));
            assertThat(counted).as(name + ", exactly: the same products on both sides").isEqualTo(analytic);
            assertThat(analytic).isEqualTo(3 * Flops.forward(config, B, T));
        }
    }

    @Test
    void forwardFormulaByHandForTheTinyModel() {
        // C 64, L 2, r 4, V 258: per token 2·(8 + 16)·64² + 2·64·258 = 196608 + 33024
        long perToken = 2L * 24 * 64 * 64 + 2L * 64 * 258;
        long causalPairs = 16L * 17 / 2;
        assertThat(Flops.forward(TINY, 1, 16)).isEqualTo(16 * perToken + 4L * 64 * 2 * causalPairs);
        assertThat(Flops.forward(TINY.withCausal(false), 1, 16)).isEqualTo(16 * perToken + 4L * 64 * 2 * 256);
        assertThat(Flops.matmulParameters(TINY)).isEqualTo(2L * 12 * 64 * 64 + 258L * 64);
    }

    @Test
    void arGenerationWithTheCacheCountsAsTheFormula() {
        Transformer model = new Transformer(TINY, new Rng(3));
        for (int[] prompt : new int[][] {{ByteTokenizer.END_OF_TEXT}, {1, 2, 3, 4, 5}}) {
            FlopCounter.reset();
            FlopCounter.enable();
            ArSampler.generate(new KvCacheDecoder(model), prompt, 20, -1, SamplingOptions.GREEDY, new Rng(0));
            FlopCounter.disable();
            int promptLength = prompt.length == 1 ? 0 : prompt.length;  // an empty prompt starts from one token
            assertThat(FlopCounter.get()).isEqualTo(Flops.arGeneration(TINY, promptLength, 20));
        }
    }

    @Test
    void diffusionGenerationCountsAFullForwardPerStep() {
        TransformerConfig config = TINY.withCausal(false);
        Transformer model = new Transformer(config, new Rng(4));
        FlopCounter.reset();
        FlopCounter.enable();
        new DiffusionSampler(model, ByteTokenizer.MASK).generate(new int[] {7, 8, 9}, 12, DiffusionOptions.of(6),
                new Rng(0));
        FlopCounter.disable();
        assertThat(FlopCounter.get()).isEqualTo(Flops.diffusionGeneration(config, 3, 12, 6))
                .isEqualTo(6 * Flops.forward(config, 1, 15));
    }

    @Test
    void paperModelTrainsAtAboutSixNPerTokenForBothObjectives() {
        long n = Flops.matmulParameters(PAPER_1B);
        assertThat(n).isEqualTo(24L * 12 * 2048 * 2048 + 50304L * 2048).isEqualTo(1_310_982_144L);
        double ar = Flops.trainingPerToken(PAPER_1B, 4096);
        double dlm = Flops.trainingPerToken(PAPER_1B.withCausal(false), 4096);
        // attention adds 6·C·L·(T+1) (AR) or 12·C·L·T (DLM) per token to 6N
        assertThat(ar).isEqualTo(6.0 * n + 6.0 * 2048 * 24 * 4097);
        assertThat(dlm).isEqualTo(6.0 * n + 12.0 * 2048 * 24 * 4096);
        assertThat(ar / (6.0 * n)).isBetween(1.0, 1.2);
        assertThat(Flops.trainingPerToken(PAPER_1B, 16) / (6.0 * n)).isCloseTo(1.0, withinPercentage(0.1));
    }

    @Test
    void diffusionGenerationCostsAboutGenLengthTimesAr() {
        double at16 = Flops.diffusionGeneration(PAPER_1B, 0, 16, 16) / (double) Flops.arGeneration(PAPER_1B, 0, 16);
        double at4096 = Flops.diffusionGeneration(PAPER_1B, 0, 4096, 4096)
                / (double) Flops.arGeneration(PAPER_1B, 0, 4096);
        assertThat(at16).isBetween(15.0, 17.0);
        assertThat(at4096).isBetween(4096.0, 6000.0);
    }

    @Test
    void rejectsImpossibleLengths() {
        assertThatThrownBy(() -> Flops.arGeneration(PAPER_1B, 1, 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceed the model's context of 4096");
        assertThatThrownBy(() -> Flops.diffusionGeneration(PAPER_1B, 0, 0, 1))
                .hasMessageContaining("generation length must be positive");
        assertThatThrownBy(() -> Flops.diffusionGeneration(PAPER_1B, 0, 8, 9)).hasMessageContaining("steps");
        assertThatThrownBy(() -> Flops.arGeneration(PAPER_1B, -1, 8)).hasMessageContaining("prompt length");
        assertThatThrownBy(() -> Flops.forward(TINY, 1, 65)).hasMessageContaining("sequence length");
    }

    private static long countedTrainingStep(Transformer model, Objective objective, int[] windows) {
        FlopCounter.reset();
        FlopCounter.enable();
        Loss loss = objective.loss(model, windows, B, T, new Rng(5));
        loss.value().backward();
        FlopCounter.disable();
        return FlopCounter.get();
    }
}
