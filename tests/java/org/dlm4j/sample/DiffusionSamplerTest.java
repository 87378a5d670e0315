package org.dlm4j.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.junit.jupiter.api.Test;

class DiffusionSamplerTest {
    private static final int MASK = SampleTestModels.BYTE_MASK;
    private static final int[] PROMPT = {'T', 'h', 'e', ' '};

    private final Transformer model = SampleTestModels.random(SampleTestModels.bidirectional(), 21, 0.3f);
    private final DiffusionSampler sampler = new DiffusionSampler(model, MASK);

    @Test
    void theSameSeedGivesTheSameTokensAndNoMaskRemains() {
        DiffusionOptions options = DiffusionOptions.of(6).withRemasking(Remasking.RANDOM)
                .withSampling(SamplingOptions.temperature(1.0));
        int[] first = sampler.generate(PROMPT, 12, options, new Rng(3));
        int[] second = sampler.generate(PROMPT, 12, options, new Rng(3));
        int[] other = sampler.generate(PROMPT, 12, options, new Rng(4));
        assertThat(first).hasSize(16).containsExactly(second).doesNotContain(MASK);
        assertThat(other).doesNotContain(MASK);
        assertThat(Arrays.copyOf(first, 4)).containsExactly(PROMPT);
        assertThat(first).isNotEqualTo(other);
    }

    @Test
    void withAsManyStepsAsPositionsEachStepRevealsOnePosition() {
        for (Remasking remasking : Remasking.values()) {
            List<int[]> revealed = new ArrayList<>();
            int[] tokens = masked(PROMPT, 10);
            int[] out = sampler.fill(tokens, DiffusionOptions.of(10).withRemasking(remasking), new Rng(8),
                    (step, x, positions) -> revealed.add(positions));
            assertThat(revealed).hasSize(10).allSatisfy(positions -> assertThat(positions).hasSize(1));
            assertThat(revealed.stream().map(p -> p[0])).containsExactlyInAnyOrder(4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
            assertThat(out).doesNotContain(MASK);
        }
    }

    @Test
    void fewerStepsRevealAboutLengthOverStepsEach() {
        List<Integer> counts = new ArrayList<>();
        sampler.fill(masked(PROMPT, 10), DiffusionOptions.of(4), new Rng(1),
                (step, x, positions) -> counts.add(positions.length));
        assertThat(counts).containsExactly(2, 3, 2, 3);
    }

    @Test
    void infillKeepsEveryUnmaskedToken() {
        Infill infill = Infill.parse("The cat [MASK:5] the mat[MASK:2].", new ByteTokenizer());
        for (Remasking remasking : Remasking.values()) {
            int[] out = sampler.fill(infill.tokens(), DiffusionOptions.of(7).withRemasking(remasking)
                    .withSampling(SamplingOptions.temperature(1.0)), new Rng(2), null);
            assertThat(out).hasSameSizeAs(infill.tokens()).doesNotContain(MASK);
            for (int i = 0; i < out.length; i++) {
                if (infill.tokens()[i] != MASK) {
                    assertThat(out[i]).as("position %d", i).isEqualTo(infill.tokens()[i]);
                }
            }
        }
    }

    @Test
    void blocksAreCompletedLeftToRight() {
        int blockLength = 4;
        int[] tokens = masked(PROMPT, 12);
        List<int[]> steps = new ArrayList<>();
        List<int[]> states = new ArrayList<>();
        sampler.fill(tokens, DiffusionOptions.of(6).withBlockLength(blockLength).withRemasking(Remasking.RANDOM),
                new Rng(5), (step, x, positions) -> {
                    steps.add(positions);
                    states.add(x);
                });
        assertThat(steps).hasSize(6);
        for (int s = 0; s < steps.size(); s++) {
            for (int position : steps.get(s)) {
                int block = (position - PROMPT.length) / blockLength;
                // every position of earlier blocks was revealed before this step
                int[] before = s == 0 ? tokens : states.get(s - 1);
                for (int p = PROMPT.length; p < PROMPT.length + block * blockLength; p++) {
                    assertThat(before[p]).as("step %d reveals block %d before position %d", s, block, p)
                            .isNotEqualTo(MASK);
                }
            }
        }
    }

    @Test
    void lowConfidenceRevealsTheMostConfidentPredictionFirst() {
        int[] target = {4, 1, 7, 2, 2, 5};
        double[] strength = {0.5, 3.0, 1.0, 2.5, 0.2, 1.8};
        Transformer hand = SampleTestModels.handBuilt(target, strength);
        DiffusionSampler handSampler = new DiffusionSampler(hand, 9);
        int[] start = new int[6];
        Arrays.fill(start, 9);

        List<Integer> order = new ArrayList<>();
        int[] out = handSampler.fill(start, DiffusionOptions.of(6), new Rng(0),
                (step, x, positions) -> order.add(positions[0]));
        assertThat(order).containsExactly(1, 3, 5, 2, 0, 4);     // strengths in descending order
        assertThat(out).containsExactly(target);

        List<Integer> blockOrder = new ArrayList<>();
        handSampler.fill(start, DiffusionOptions.of(6).withBlockLength(3), new Rng(0),
                (step, x, positions) -> blockOrder.add(positions[0]));
        assertThat(blockOrder).containsExactly(1, 2, 0, 3, 5, 4);

        List<int[]> pairs = new ArrayList<>();
        handSampler.fill(start, DiffusionOptions.of(3), new Rng(0), (step, x, positions) -> pairs.add(positions));
        assertThat(pairs).containsExactly(new int[] {1, 3}, new int[] {2, 5}, new int[] {0, 4});
    }

    @Test
    void rejectsBadRequests() {
        assertThatThrownBy(() -> sampler.generate(PROMPT, 5, DiffusionOptions.of(6), new Rng(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps 6 exceed the 5 positions");
        assertThatThrownBy(() -> sampler.generate(PROMPT, 29, DiffusionOptions.of(4), new Rng(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the model's context of 32");
        assertThatThrownBy(() -> sampler.generate(PROMPT, 0, DiffusionOptions.of(1), new Rng(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> sampler.fill(PROMPT, DiffusionOptions.of(1), new Rng(0), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no masked position");
        assertThatThrownBy(() -> new DiffusionSampler(SampleTestModels.random(SampleTestModels.causal(), 1, 0.1f), 39))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bidirectional");
    }

    private static int[] masked(int[] prompt, int length) {
        int[] tokens = Arrays.copyOf(prompt, prompt.length + length);
        Arrays.fill(tokens, prompt.length, tokens.length, MASK);
        return tokens;
    }
}
