package org.dlm4j.model;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.nn.Block;
import org.dlm4j.nn.Dropout;
import org.dlm4j.nn.Embedding;
import org.dlm4j.nn.LayerNorm;
import org.dlm4j.nn.Linear;
import org.dlm4j.nn.Module;
import org.dlm4j.nn.ModuleList;
import org.dlm4j.nn.Parameter;
import org.dlm4j.tensor.Tensor;

/**
 * A GPT-2 style transformer: token ids (B, T) to next-token or denoising logits (B, T, V).
 * <pre>
 *   x = drop(token_embedding[idx] + position_embedding[t])     (B, T, C)
 *   x = blocks[i](x)  for i = 0 .. numLayers-1  (pre-LN)        (B, T, C)
 *   logits = head(ln_f(x))                                      (B, T, V)
 * </pre>
 * With {@link PositionEncoding#ROPE} there is no position table: x = drop(token_embedding[idx]) and
 * every attention layer rotates q and k by position instead.
 *
 * <p>Attention is causal or bidirectional as {@link TransformerConfig#causal()} says; that flag is
 * the only difference between the paper's AR and diffusion models.
 *
 * <p>Parameter names (checkpoint contract, PyTorch-compatible): {@code token_embedding.weight},
 * {@code position_embedding.weight} (learned positions only), {@code blocks.{i}.…} (see
 * {@link Block}), {@code ln_f.weight}, {@code ln_f.bias}, {@code head.weight}. With a tied head the logits use
 * {@code token_embedding.weight} and there is no {@code head.weight}.
 *
 * <p>Init (GPT-2, see {@link org.dlm4j.nn.Init}) draws from {@code initRng} in registration order:
 * token table, position table (learned positions only), blocks 0..n-1, then the head when untied.
 */
public final class Transformer extends Module {
    private final TransformerConfig config;
    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;
    private final Dropout embeddingDropout;
    private final ModuleList<Block> blocks;
    private final LayerNorm lnF;
    private final Linear head;

    public Transformer(TransformerConfig config, Rng initRng) {
        this.config = config;
        int c = config.dModel();
        this.tokenEmbedding = module("token_embedding", new Embedding(config.vocabSize(), c, initRng));
        this.positionEmbedding = config.positions() == PositionEncoding.LEARNED
                ? module("position_embedding", new Embedding(config.contextLength(), c, initRng)) : null;
        this.embeddingDropout = module("drop", new Dropout(config.dropout()));
        this.blocks = module("blocks", new ModuleList<>());
        for (int i = 0; i < config.numLayers(); i++) {
            blocks.add(new Block(config.blockConfig(), initRng));
        }
        this.lnF = module("ln_f", new LayerNorm(c, config.bias()));
        this.head = config.tiedHead() ? null : module("head", new Linear(c, config.vocabSize(), false, initRng));
    }

    /**
     * Logits (B, T, V) for {@code tokens}, B*T ids laid out row by row (token t of sequence b at
     * b*T + t), T = {@code length} at most {@code contextLength}, checked first ({@code checkInput}).
     * Then, as the class comment shows: token embeddings, plus the position table's rows 0..T-1 with
     * learned positions; embedding dropout; every block in order; the final LayerNorm; the head, or
     * the token table when the head is tied, as a linear layer without bias. {@code dropoutRng}
     * supplies the dropout seeds (one long per Dropout call, see {@link Dropout}); it may be null in
     * evaluation mode or with dropout 0.
     */
    @Exercise("L05.4")
    public Tensor forward(int[] tokens, int batchSize, int length, Rng dropoutRng) {
        checkInput(tokens, batchSize, length);

        // token + learned position embeddings (rotary positions act inside attention), then embedding dropout
        Tensor x = tokenEmbedding.forward(tokens, batchSize, length);         // (B, T, C)
        if (positionEmbedding != null) {
            Tensor pos = positionEmbedding.forward(positions(length), length); // (T, C), broadcast over B
            x = x.add(pos);                                                   // (B, T, C)
        }
        x = embeddingDropout.forward(x, dropoutRng);                          // (B, T, C)

        // the pre-LN blocks: attention then MLP, each on a residual branch
        for (Block block : blocks) {
            x = block.forward(x, dropoutRng);                                 // (B, T, C)
        }

        // final LayerNorm and the projection to the vocabulary
        x = lnF.forward(x);                                                   // (B, T, C)
        Parameter headWeight = head == null ? tokenEmbedding.weight() : head.weight();
        return x.linear(headWeight, null);                                    // (B, T, V)
    }

    public TransformerConfig config() {
        return config;
    }

    private void checkInput(int[] tokens, int batchSize, int length) {
        if (batchSize <= 0 || length <= 0) {
            throw new IllegalArgumentException("batchSize and length must be positive, got B=" + batchSize
                    + ", T=" + length);
        }
        if (length > config.contextLength()) {
            throw new IllegalArgumentException("length " + length + " exceeds contextLength "
                    + config.contextLength());
        }
        if (tokens.length != (long) batchSize * length) {
            throw new IllegalArgumentException(tokens.length + " tokens do not fill B=" + batchSize + " x T="
                    + length);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at position " + i
                        + " is outside [0, " + config.vocabSize() + ")");
            }
        }
    }

    private static int[] positions(int length) {
        int[] ids = new int[length];
        for (int t = 0; t < length; t++) {
            ids[t] = t;
        }
        return ids;
    }
}
