package org.dlm4j.sample;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;

/** Real small transformers for the sampler tests: random weights, or weights set by hand. */
final class SampleTestModels {
    /** The byte tokenizer's sizes: vocabulary 258, mask id 257. */
    static final int BYTE_VOCAB = 258;
    static final int BYTE_MASK = 257;

    private SampleTestModels() {
    }

    /** A causal model: V 40, T 24, C 32, 2 layers, 4 heads, with biases and an untied head. */
    static TransformerConfig causal() {
        return new TransformerConfig(40, 24, 32, 2, 4, 4, 0f, true, true, false, PositionEncoding.LEARNED);
    }

    /** A bidirectional model over the byte vocabulary: T 32, C 32, 2 layers, 4 heads. */
    static TransformerConfig bidirectional() {
        return new TransformerConfig(BYTE_VOCAB, 32, 32, 2, 4, 4, 0f, false, true, false, PositionEncoding.LEARNED);
    }

    /**
     * A transformer whose every parameter is normal(0, std^2): larger than GPT-2's init, so logits
     * are far from uniform and token choices are not decided by rounding.
     */
    static Transformer random(TransformerConfig config, long seed, float std) {
        Transformer model = new Transformer(config, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        for (Parameter p : model.parameters()) {
            float[] data = p.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextGaussian() * std);
            }
        }
        return model;
    }

    /**
     * A bidirectional model whose prediction at position t is fixed by hand: target[t] with logit
     * {@code strength[t] * sqrt(C/2)}, every other id logit 0, whatever the input tokens.
     *
     * <p>How: the blocks add nothing (both residual projections and their biases are 0), the token
     * table is 0, so ln_f sees only position_embedding[t] = e_{2t} - e_{2t+1}, which it normalises to
     * sqrt(C/2) (e_{2t} - e_{2t+1}); head row target[t] has strength[t] in column 2t. Vocabulary 10
     * (mask id 9), C = 2·T.
     */
    static Transformer handBuilt(int[] target, double[] strength) {
        int positions = target.length;
        TransformerConfig config = new TransformerConfig(10, positions, 2 * positions, 1, 2, 4, 0f, false, true,
                false, PositionEncoding.LEARNED);
        Transformer model = new Transformer(config, new Rng(7));
        var parameters = model.namedParameters();
        for (String name : new String[] {"token_embedding.weight", "position_embedding.weight",
                "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.mlp.proj.weight",
                "blocks.0.mlp.proj.bias", "head.weight"}) {
            Arrays.fill(parameters.get(name).data(), 0f);
        }
        int c = config.dModel();
        float[] position = parameters.get("position_embedding.weight").data();
        float[] head = parameters.get("head.weight").data();
        for (int t = 0; t < positions; t++) {
            position[t * c + 2 * t] = 1f;
            position[t * c + 2 * t + 1] = -1f;
            head[target[t] * c + 2 * t] = (float) strength[t];
        }
        return model;
    }
}
