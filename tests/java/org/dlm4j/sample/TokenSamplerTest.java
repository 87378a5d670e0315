package org.dlm4j.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
    private static final float[] LOGITS = {0f, 2f, (float) Math.log(2), 1.5f, -3f};

    @Test
    void greedyTakesTheArgmaxSkippingTheExcludedId() {
        assertThat(TokenSampler.sample(LOGITS, 0, 5, -1, SamplingOptions.GREEDY, null)).isEqualTo(1);
        assertThat(TokenSampler.sample(LOGITS, 0, 5, 1, SamplingOptions.GREEDY, null)).isEqualTo(3);
        float[] padded = {9f, 9f, 0f, 1f, 0.5f};
        assertThat(TokenSampler.argmax(padded, 2, 3, -1)).isEqualTo(1);
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(5)};   // p = 1/8, 2/8, 5/8
        Rng rng = new Rng(5);
        int[] counts = new int[3];
        int draws = 40_000;
        for (int i = 0; i < draws; i++) {
            counts[TokenSampler.sample(logits, 0, 3, -1, SamplingOptions.temperature(1), rng)]++;
        }
        assertThat(counts[0] / (double) draws).isCloseTo(0.125, within(0.01));
        assertThat(counts[1] / (double) draws).isCloseTo(0.25, within(0.01));
        assertThat(counts[2] / (double) draws).isCloseTo(0.625, within(0.01));
        // temperature 0.5 squares the ratios: p ∝ 1, 4, 25
        double[] sharp = TokenSampler.probabilities(logits, 0, 3, -1, 0.5);
        assertThat(sharp[2]).isCloseTo(25.0 / 30, within(1e-6)); // float logits
    }

    @Test
    void topKAndTopPKeepOnlyTheMostLikelyTokens() {
        Rng rng = new Rng(6);
        for (int i = 0; i < 2000; i++) {
            assertThat(TokenSampler.sample(LOGITS, 0, 5, -1, new SamplingOptions(1, 2, 1), rng)).isIn(1, 3);
            // sorted p ≈ 0.47, 0.29, 0.14, 0.09, 0.002: top-p 0.7 keeps the first two
            assertThat(TokenSampler.sample(LOGITS, 0, 5, -1, new SamplingOptions(1, 0, 0.7), rng)).isIn(1, 3);
            assertThat(TokenSampler.sample(LOGITS, 0, 5, 1, new SamplingOptions(2, 0, 1), rng)).isNotEqualTo(1);
        }
        assertThat(TokenSampler.sample(LOGITS, 0, 5, -1, new SamplingOptions(1, 1, 1), rng)).isEqualTo(1);
        assertThat(TokenSampler.sample(LOGITS, 0, 5, -1, new SamplingOptions(1, 0, 0.01), rng)).isEqualTo(1);
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        int[] first = new int[50];
        int[] second = new int[50];
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        for (int i = 0; i < 50; i++) {
            first[i] = TokenSampler.sample(LOGITS, 0, 5, -1, SamplingOptions.temperature(1.5), a);
            second[i] = TokenSampler.sample(LOGITS, 0, 5, -1, SamplingOptions.temperature(1.5), b);
        }
        assertThat(first).containsExactly(second);
        assertThat(first).containsAnyOf(0, 2, 3);
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> new SamplingOptions(-1, 0, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingOptions(1, -2, 1)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> new SamplingOptions(1, 0, 0)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> new SamplingOptions(1, 0, 1.5)).hasMessageContaining("top-p");
    }
}
