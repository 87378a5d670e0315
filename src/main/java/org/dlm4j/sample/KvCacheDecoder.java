package org.dlm4j.sample;

import java.util.Map;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Elementwise;
import org.dlm4j.kernels.Gelu;
import org.dlm4j.kernels.LayerNorm;
import org.dlm4j.kernels.Matmul;
import org.dlm4j.kernels.Rope;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;

/**
 * A causal {@link Transformer} run one new position at a time with a key/value cache: the same
 * math as {@link Transformer#forward} (evaluation mode), computed with the kernels straight from the
 * model's named parameters, without a graph.
 *
 * <p>Why a cache works: with causal attention, the keys and values of position t depend only on
 * tokens 0..t, so they never change once computed. Each layer keeps them, per head, as
 * (H, T_max, hs) blocks; a new position computes its own q, k, v (one row through every Linear),
 * appends k and v, and attends over the t+1 cached rows:
 * <pre>
 *   x      = token_embedding[tok] + position_embedding[t]                 (1, C)
 *   per block:  qkv = ln1(x) W_qkvᵀ + b                                      (1, 3C)
 *               (rotary positions: no position_embedding; q, k of qkv rotated for position t)
 *               K[h][t] = k_h,  V[h][t] = v_h
 *               o_h = softmax(q_h K[h][0..t]ᵀ / sqrt(hs)) V[h][0..t]         (1, hs)
 *               x += concat_h(o_h) W_projᵀ + b;   x += mlp(ln2(x))
 *   logits = ln_f(x) W_headᵀ                                               (1, V)
 * </pre>
 * so generating n tokens costs O(n) positions of linear-layer work instead of the O(n²) of re-running
 * the prefix ({@link FullForwardDecoder}). A prompt is read in one pass of P rows, query row i
 * attending to cached rows 0..start+i; only the last row goes through ln_f and the head.
 *
 * <p>The products go through {@link Matmul} (so {@code FlopCounter} sees them): the scores of one
 * query and one head are a (1, hs)·(t+1, hs)ᵀ product, the weighted sum a (1, t+1)·(t+1, hs) one.
 * The weights are the model's live arrays: the decoder follows later changes to the model, but
 * {@link #start} must be called again after any change, since the cache holds old keys and values.
 */
public final class KvCacheDecoder implements NextTokenModel {
    /** LayerNorm epsilon of the model (PyTorch's default). */
    private static final float LAYER_NORM_EPS = 1e-5f;

    /** The parameter arrays of one block; the biases are null in a model without biases. */
    private record BlockWeights(float[] ln1Weight, float[] ln1Bias, float[] qkvWeight, float[] qkvBias,
                                float[] projWeight, float[] projBias, float[] ln2Weight, float[] ln2Bias,
                                float[] fcWeight, float[] fcBias, float[] mlpProjWeight, float[] mlpProjBias) {
    }

    private final TransformerConfig config;
    private final float[] tokenEmbedding;     // (V, C)
    private final float[] positionEmbedding;  // (T_max, C); null with rotary positions
    private final BlockWeights[] blocks;
    private final float[] lnFWeight;
    private final float[] lnFBias;
    private final float[] headWeight;         // (V, C), the token table when tied
    private final float[][] keyCache;         // per layer (H, T_max, hs)
    private final float[][] valueCache;       // per layer (H, T_max, hs)
    private int length;

    public KvCacheDecoder(Transformer model) {
        this.config = model.config();
        if (!config.causal()) {
            throw new IllegalArgumentException("a KV cache needs a causal (AR) model; this one has bidirectional"
                    + " attention (use diffusion sampling)");
        }
        Map<String, Parameter> parameters = model.namedParameters();
        this.tokenEmbedding = required(parameters, "token_embedding.weight");
        this.positionEmbedding = config.positions() == PositionEncoding.LEARNED
                ? required(parameters, "position_embedding.weight") : null;
        this.blocks = new BlockWeights[config.numLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "blocks." + i + ".";
            blocks[i] = new BlockWeights(
                    required(parameters, p + "ln1.weight"), bias(parameters, p + "ln1.bias"),
                    required(parameters, p + "attn.qkv.weight"), bias(parameters, p + "attn.qkv.bias"),
                    required(parameters, p + "attn.proj.weight"), bias(parameters, p + "attn.proj.bias"),
                    required(parameters, p + "ln2.weight"), bias(parameters, p + "ln2.bias"),
                    required(parameters, p + "mlp.fc.weight"), bias(parameters, p + "mlp.fc.bias"),
                    required(parameters, p + "mlp.proj.weight"), bias(parameters, p + "mlp.proj.bias"));
        }
        this.lnFWeight = required(parameters, "ln_f.weight");
        this.lnFBias = bias(parameters, "ln_f.bias");
        this.headWeight = config.tiedHead() ? tokenEmbedding : required(parameters, "head.weight");
        long cacheSize = (long) config.contextLength() * config.dModel();
        if (cacheSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a KV cache of " + cacheSize + " floats per layer does not fit an array");
        }
        this.keyCache = new float[config.numLayers()][(int) cacheSize];
        this.valueCache = new float[config.numLayers()][(int) cacheSize];
    }

    @Override
    public float[] start(int[] prompt) {
        Prompts.check(prompt, config.contextLength(), config.vocabSize());
        length = 0;
        return read(prompt);
    }

    @Override
    public float[] next(int token) {
        Prompts.checkAppend(length, config.contextLength());
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside [0, " + config.vocabSize() + ")");
        }
        return read(new int[] {token});
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    /** Reads {@code tokens} at positions length.., appends their keys and values; logits (V) after the last. */
    private float[] read(int[] tokens) {
        int n = tokens.length;
        int c = config.dModel();
        int hidden = config.mlpRatio() * c;
        float[] x = new float[n * c];                    // (n, C) residual stream
        float[] normed = new float[n * c];               // (n, C)
        float[] mean = new float[n];
        float[] rstd = new float[n];
        float[] qkv = new float[n * 3 * c];              // (n, 3C)
        float[] heads = new float[n * c];                // (n, C) attention output, heads concatenated
        float[] branch = new float[n * c];               // (n, C) residual branch
        float[] fc = new float[n * hidden];              // (n, rC)
        float[] activated = new float[n * hidden];       // (n, rC)

        // token + position embeddings (rotary positions are applied to q and k in each layer instead)
        for (int i = 0; i < n; i++) {
            int tok = tokens[i] * c;
            int pos = (length + i) * c;
            for (int ch = 0; ch < c; ch++) {
                float position = positionEmbedding == null ? 0f : positionEmbedding[pos + ch];
                x[i * c + ch] = tokenEmbedding[tok + ch] + position;
            }
        }

        for (int layer = 0; layer < blocks.length; layer++) {
            BlockWeights w = blocks[layer];
            // attention branch: x += proj(attend(qkv(ln1(x))))
            LayerNorm.forward(x, w.ln1Weight(), w.ln1Bias(), normed, mean, rstd, n, c, LAYER_NORM_EPS);
            linear(normed, w.qkvWeight(), w.qkvBias(), qkv, n, c, 3 * c);
            if (positionEmbedding == null) {
                Rope.forward(qkv, qkv, 1, n, c, config.numHeads(), length);  // rows at positions length..
            }
            appendKeysValues(layer, qkv, n);
            attend(layer, qkv, heads, n);
            linear(heads, w.projWeight(), w.projBias(), branch, n, c, c);
            Elementwise.addForward(x, branch, x, n * c);
            // MLP branch: x += proj(gelu(fc(ln2(x))))
            LayerNorm.forward(x, w.ln2Weight(), w.ln2Bias(), normed, mean, rstd, n, c, LAYER_NORM_EPS);
            linear(normed, w.fcWeight(), w.fcBias(), fc, n, c, hidden);
            Gelu.forward(fc, activated, n * hidden);
            linear(activated, w.mlpProjWeight(), w.mlpProjBias(), branch, n, hidden, c);
            Elementwise.addForward(x, branch, x, n * c);
        }
        length += n;

        // final LayerNorm and head, for the last row only: the only logits a sampler needs
        float[] last = new float[c];                     // (1, C)
        System.arraycopy(x, (n - 1) * c, last, 0, c);
        float[] lastNormed = new float[c];
        LayerNorm.forward(last, lnFWeight, lnFBias, lastNormed, mean, rstd, 1, c, LAYER_NORM_EPS);
        float[] logits = new float[config.vocabSize()];  // (1, V)
        Matmul.abT(lastNormed, 0, headWeight, 0, logits, 0, 1, c, config.vocabSize(), false);
        return logits;
    }

    /** Copies k and v of the n new rows into the layer's per-head cache blocks at positions length... */
    private void appendKeysValues(int layer, float[] qkv, int n) {
        int c = config.dModel();
        int hs = config.headSize();
        int headBlock = config.contextLength() * hs;
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < config.numHeads(); h++) {
                int row = i * 3 * c + h * hs;
                int slot = h * headBlock + (length + i) * hs;
                System.arraycopy(qkv, row + c, keyCache[layer], slot, hs);
                System.arraycopy(qkv, row + 2 * c, valueCache[layer], slot, hs);
            }
        }
    }

    /**
     * Causal attention of the n new rows (their qkv (n, 3C), already appended to the cache) over the
     * cache: new row i sits at position length + i and attends to the cached rows 0..length+i of its
     * layer. Per head h: the scores q·Kᵀ against the head's cached keys (one {@link Matmul#abT} of (1, hs)
     * by (keys, hs)ᵀ), {@code softmaxScaled} with 1/sqrt(hs), and the weighted sum of the cached values
     * (one {@link Matmul#ab} of (1, keys) by (keys, hs)) written to {@code heads} (n, C) at row i,
     * channels [h·hs, (h+1)·hs). The cache of a layer holds head h's rows at h·T_max·hs.
     */
    @Exercise("L11.1")
    void attend(int layer, float[] qkv, float[] heads, int n) {
        int c = config.dModel();
        int hs = config.headSize();
        int headBlock = config.contextLength() * hs;
        float scale = 1f / (float) Math.sqrt(hs);
        float[] scores = new float[length + n];
        for (int i = 0; i < n; i++) {
            int keys = length + i + 1;
            for (int h = 0; h < config.numHeads(); h++) {
                Matmul.abT(qkv, i * 3 * c + h * hs, keyCache[layer], h * headBlock, scores, 0,
                        1, hs, keys, false);                                          // (1, keys) = q·Kᵀ
                softmaxScaled(scores, keys, scale);
                Matmul.ab(scores, 0, valueCache[layer], h * headBlock, heads, i * c + h * hs,
                        1, keys, hs, false);                                          // (1, hs) = p·V
            }
        }
    }

    /** p_j = softmax_j(s_j · scale) in place over the first {@code count} entries (max subtracted, as the kernel). */
    private static void softmaxScaled(float[] s, int count, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            s[j] *= scale;
            max = Math.max(max, s[j]);
        }
        float sum = 0f;
        for (int j = 0; j < count; j++) {
            s[j] = (float) Math.exp(s[j] - max);
            sum += s[j];
        }
        float inv = 1f / sum;
        for (int j = 0; j < count; j++) {
            s[j] *= inv;
        }
    }

    /** out (rows, outFeatures) = in (rows, inFeatures) · weightᵀ + bias (bias may be null). */
    private static void linear(float[] in, float[] weight, float[] bias, float[] out, int rows, int inFeatures,
                               int outFeatures) {
        Matmul.abT(in, 0, weight, 0, out, 0, rows, inFeatures, outFeatures, false);
        if (bias != null) {
            Elementwise.biasAddForward(out, bias, out, rows, outFeatures);
        }
    }

    private static float[] required(Map<String, Parameter> parameters, String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("the model has no parameter '" + name + "'");
        }
        return p.data();
    }

    private float[] bias(Map<String, Parameter> parameters, String name) {
        return config.bias() ? required(parameters, name) : null;
    }
}
