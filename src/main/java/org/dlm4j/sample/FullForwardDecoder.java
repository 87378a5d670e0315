package org.dlm4j.sample;

import java.util.Arrays;

import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;

/**
 * The cache-free definition of {@link NextTokenModel}: every call runs {@link Transformer#forward}
 * over the whole prefix read so far (in evaluation mode, without a graph) and returns the last row
 * of the logits. Generating n tokens after a prompt of P therefore re-reads O(n·(P+n)) positions;
 * {@link KvCacheDecoder} computes the same logits reading each position once.
 */
public final class FullForwardDecoder implements NextTokenModel {
    private final Transformer model;
    private int[] tokens = new int[0];

    public FullForwardDecoder(Transformer model) {
        if (!model.config().causal()) {
            throw new IllegalArgumentException("next-token decoding needs a causal (AR) model; this one has"
                    + " bidirectional attention (use diffusion sampling)");
        }
        this.model = model;
    }

    @Override
    public float[] start(int[] prompt) {
        Prompts.check(prompt, model.config().contextLength(), model.config().vocabSize());
        tokens = prompt.clone();
        return lastRow();
    }

    @Override
    public float[] next(int token) {
        Prompts.checkAppend(tokens.length, model.config().contextLength());
        tokens = Arrays.copyOf(tokens, tokens.length + 1);
        tokens[tokens.length - 1] = token;
        return lastRow();
    }

    @Override
    public int length() {
        return tokens.length;
    }

    @Override
    public int contextLength() {
        return model.config().contextLength();
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    private float[] lastRow() {
        int vocab = model.config().vocabSize();
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var scope = Tensor.noGrad()) {
            float[] logits = model.forward(tokens, 1, tokens.length, null).data(); // (1, T, V)
            return Arrays.copyOfRange(logits, (tokens.length - 1) * vocab, tokens.length * vocab);
        } finally {
            model.train(wasTraining);
        }
    }
}
