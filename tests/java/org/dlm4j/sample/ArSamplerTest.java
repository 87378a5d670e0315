package org.dlm4j.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Generation past the model's context: the window slides as in nanoGPT, with and without the KV cache. */
class ArSamplerTest {

    private static final int[] PROMPT = {3, 17, 5};

    @Test
    void pastTheContextTheWindowSlidesAsInNanoGpt() {
        int count = 60; // 3 + 60 tokens through a context of 24
        for (PositionEncoding positions : PositionEncoding.values()) {
            Transformer model = SampleTestModels.random(SampleTestModels.causal().withPositions(positions), 21, 0.3f);
            int[] expected = nanoGptGreedy(model, PROMPT, count);
            assertThat(ArSampler.generate(new KvCacheDecoder(model), PROMPT, count, -1, SamplingOptions.GREEDY,
                    new Rng(1))).as(positions.configName()).containsExactly(expected);
            assertThat(ArSampler.generate(new FullForwardDecoder(model), PROMPT, count, -1, SamplingOptions.GREEDY,
                    new Rng(1))).as(positions.configName()).containsExactly(expected);
            int[] cached = ArSampler.generate(new KvCacheDecoder(model), PROMPT, count, -1,
                    SamplingOptions.temperature(1.0), new Rng(99));
            int[] full = ArSampler.generate(new FullForwardDecoder(model), PROMPT, count, -1,
                    SamplingOptions.temperature(1.0), new Rng(99));
            assertThat(cached).as(positions.configName()).containsExactly(full);
        }
    }

    /** nanoGPT's loop: idx_cond = idx[-T:]; logits = model(idx_cond)[:, -1]; append the argmax. */
    private static int[] nanoGptGreedy(Transformer model, int[] prompt, int count) {
        int context = model.config().contextLength();
        int vocab = model.config().vocabSize();
        int[] tokens = Arrays.copyOf(prompt, prompt.length + count);
        model.train(false);
        try (var noGrad = Tensor.noGrad()) {
            for (int length = prompt.length; length < tokens.length; length++) {
                int[] window = Arrays.copyOfRange(tokens, Math.max(0, length - context), length);
                float[] logits = model.forward(window, 1, window.length, null).data(); // (1, T, V)
                tokens[length] = TokenSampler.argmax(logits, (window.length - 1) * vocab, vocab, -1);
            }
        }
        return Arrays.copyOfRange(tokens, prompt.length, tokens.length);
    }

    @Test
    void onlyAPromptThatAloneExceedsTheContextIsRefused() {
        Transformer model = SampleTestModels.random(SampleTestModels.causal(), 22, 0.3f);
        assertThatThrownBy(() -> ArSampler.generate(new KvCacheDecoder(model), new int[25], 5, -1,
                SamplingOptions.GREEDY, new Rng(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the prompt of 25 tokens exceeds the model's context of 24");
        assertThat(ArSampler.generate(new KvCacheDecoder(model), new int[24], 5, -1, SamplingOptions.GREEDY,
                new Rng(1))).hasSize(5);
    }
}
