package org.dlm4j.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.junit.jupiter.api.Test;

class KvCacheDecoderTest {

    private static final int[] PROMPT = {3, 17, 5};

    @Test
    void cachedLogitsMatchTheFullForwardAtEveryStep() {
        for (TransformerConfig config : new TransformerConfig[] {SampleTestModels.causal(),
                SampleTestModels.causal().withTiedHead(true),
                SampleTestModels.causal().withPositions(PositionEncoding.ROPE)}) {
            Transformer model = SampleTestModels.random(config, 11, 0.3f);
            NextTokenModel cached = new KvCacheDecoder(model);
            NextTokenModel full = new FullForwardDecoder(model);
            assertClose(cached.start(PROMPT), full.start(PROMPT));
            int[] feed = {1, 38, 0, 22, 22, 9, 30, 2, 14, 7};
            for (int token : feed) {
                assertClose(cached.next(token), full.next(token));
            }
            assertThat(cached.length()).isEqualTo(PROMPT.length + feed.length).isEqualTo(full.length());
        }
    }

    @Test
    void cachedLogitsMatchWithoutBiases() {
        TransformerConfig config = new TransformerConfig(40, 24, 32, 2, 4, 4, 0f, true, false, true,
                PositionEncoding.LEARNED);
        Transformer model = SampleTestModels.random(config, 12, 0.3f);
        NextTokenModel cached = new KvCacheDecoder(model);
        NextTokenModel full = new FullForwardDecoder(model);
        assertClose(cached.start(new int[] {4}), full.start(new int[] {4}));
        for (int token : new int[] {8, 15, 16, 23, 42 % 40}) {
            assertClose(cached.next(token), full.next(token));
        }
    }

    @Test
    void cachedAndUncachedGenerateTheSameTokensGreedyAndSeeded() {
        int count = SampleTestModels.causal().contextLength() - PROMPT.length + 1; // fills the context
        for (PositionEncoding positions : PositionEncoding.values()) {
            Transformer model = SampleTestModels.random(SampleTestModels.causal().withPositions(positions), 13, 0.3f);
            for (SamplingOptions options : new SamplingOptions[] {SamplingOptions.GREEDY,
                    SamplingOptions.temperature(1.0), new SamplingOptions(0.8, 5, 0.9)}) {
                int[] cached = ArSampler.generate(new KvCacheDecoder(model), PROMPT, count, -1, options, new Rng(99));
                int[] full = ArSampler.generate(new FullForwardDecoder(model), PROMPT, count, -1, options,
                        new Rng(99));
                assertThat(cached).as(positions.configName()).hasSize(count).containsExactly(full);
            }
        }
    }

    @Test
    void startForgetsThePreviousSequence() {
        Transformer model = SampleTestModels.random(SampleTestModels.causal(), 14, 0.3f);
        KvCacheDecoder decoder = new KvCacheDecoder(model);
        float[] first = decoder.start(PROMPT);
        decoder.next(6);
        decoder.next(7);
        assertThat(decoder.start(PROMPT)).containsExactly(first);
        assertThat(decoder.length()).isEqualTo(PROMPT.length);
    }

    @Test
    void rejectsBidirectionalModelsAndOverlongSequences() {
        Transformer diffusion = SampleTestModels.random(SampleTestModels.causal().withCausal(false), 1, 0.3f);
        assertThatThrownBy(() -> new KvCacheDecoder(diffusion)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("causal");
        Transformer model = SampleTestModels.random(SampleTestModels.causal(), 1, 0.3f);
        KvCacheDecoder decoder = new KvCacheDecoder(model);
        assertThatThrownBy(() -> decoder.start(new int[25])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the model's context of 24");
        decoder.start(new int[24]);
        assertThatThrownBy(() -> decoder.next(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no room");
        assertThatThrownBy(() -> ArSampler.generate(decoder, PROMPT, 0, -1, SamplingOptions.GREEDY, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-4f));
        }
    }
}
