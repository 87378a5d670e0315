package org.dlm4j.nn;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/**
 * One pre-LN transformer block:
 * <pre>
 *   x = x + drop(attn(ln1(x)))
 *   x = x + drop(mlp(ln2(x)))
 * </pre>
 * Children in parameter order: {@code ln1}, {@code attn}, {@code ln2}, {@code mlp}. Weights are
 * drawn from the constructor's Rng in that order.
 */
public final class Block extends Module {

    /**
     * The sizes of a block.
     *
     * @param channels  C, the width of the residual stream
     * @param numHeads  H; C must be divisible by it
     * @param mlpRatio  hidden width of the MLP as a multiple of C (4 in GPT-2)
     * @param causal    mask future keys (AR) or not (masked diffusion)
     * @param rope      rotate q and k by position (rotary position embedding) in the attention
     * @param bias      biases in Linear and LayerNorm layers
     * @param dropout   residual dropout probability
     * @param numLayers blocks in the whole model, for the residual projection init
     */
    public record Config(int channels, int numHeads, int mlpRatio, boolean causal, boolean rope, boolean bias,
                         float dropout, int numLayers) {
    }

    private final LayerNorm ln1;
    private final SelfAttention attn;
    private final LayerNorm ln2;
    private final MLP mlp;
    private final Dropout attnDropout;
    private final Dropout mlpDropout;

    public Block(Config config, Rng rng) {
        int c = config.channels();
        this.ln1 = module("ln1", new LayerNorm(c, config.bias()));
        this.attn = module("attn", new SelfAttention(c, config.numHeads(), config.causal(), config.rope(),
                config.bias(), config.numLayers(), rng));
        this.ln2 = module("ln2", new LayerNorm(c, config.bias()));
        this.mlp = module("mlp", new MLP(c, config.mlpRatio(), config.bias(), config.numLayers(), rng));
        this.attnDropout = module("attn_dropout", new Dropout(config.dropout()));
        this.mlpDropout = module("mlp_dropout", new Dropout(config.dropout()));
    }

    /**
     * x (B, T, C) -> (B, T, C), pre-LN with two residual branches:
     * {@code x = x + attn_dropout(attn(ln1(x)))}, then {@code x = x + mlp_dropout(mlp(ln2(x)))}.
     * {@code dropoutRng} supplies one seed per dropout (two per call, attention's first, see
     * {@link Dropout}); it may be null in evaluation mode or with dropout 0.
     */
    @Exercise("L05.3")
    public Tensor forward(Tensor x, Rng dropoutRng) {
        x = x.add(attnDropout.forward(attn.forward(ln1.forward(x)), dropoutRng)); // (B, T, C)
        x = x.add(mlpDropout.forward(mlp.forward(ln2.forward(x)), dropoutRng));   // (B, T, C)
        return x;
    }

    public SelfAttention attention() {
        return attn;
    }
}
