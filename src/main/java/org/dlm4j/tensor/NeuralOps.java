package org.dlm4j.tensor;

import java.util.Arrays;

import org.dlm4j.kernels.Attention;
import org.dlm4j.kernels.CrossEntropy;
import org.dlm4j.kernels.Dropout;
import org.dlm4j.kernels.Embedding;
import org.dlm4j.kernels.Gelu;
import org.dlm4j.kernels.LayerNorm;
import org.dlm4j.kernels.Softmax;

/**
 * The fused ops of a transformer, each a thin wrapper that checks shapes, calls the
 * forward/backward pair in {@code org.dlm4j.kernels} (where the formulas are written out) and
 * keeps what backward needs (saved probabilities, LayerNorm mean/rstd, log-sum-exp per row).
 */
final class NeuralOps {
    private NeuralOps() {
    }

    static Tensor softmax(Tensor x) {
        int cols = lastDim("softmax", x);
        int rows = x.size() / Math.max(1, cols);
        float[] out = Workspace.overwritten(x.size());
        Softmax.forward(x.data(), out, rows, cols);
        Tensor result = Tensor.result(out, x.shape(), "softmax", x);
        result.onBackward(() -> Softmax.backward(out, result.grad(), x.gradSink(), rows, cols));
        return result;
    }

    static Tensor logSoftmax(Tensor x) {
        int cols = lastDim("logSoftmax", x);
        int rows = x.size() / Math.max(1, cols);
        float[] out = Workspace.overwritten(x.size());
        Softmax.logForward(x.data(), out, rows, cols);
        Tensor result = Tensor.result(out, x.shape(), "logSoftmax", x);
        result.onBackward(() -> Softmax.logBackward(out, result.grad(), x.gradSink(), rows, cols));
        return result;
    }

    static Tensor gelu(Tensor x) {
        float[] out = Workspace.overwritten(x.size());
        Gelu.forward(x.data(), out, out.length);
        Tensor result = Tensor.result(out, x.shape(), "gelu", x);
        result.onBackward(() -> Gelu.backward(x.data(), result.grad(), x.gradSink(), out.length));
        return result;
    }

    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int channels = lastDim("layerNorm", x);
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (p.rank() != 1 || p.dim(0) != channels)) {
                throw new IllegalArgumentException("layerNorm: weight/bias shape " + Arrays.toString(p.shape())
                        + " must be (" + channels + ") to match input " + Arrays.toString(x.shape()));
            }
        }
        if (!(eps > 0f)) {
            throw new IllegalArgumentException("layerNorm: eps must be positive, got " + eps);
        }
        int rows = x.size() / Math.max(1, channels);
        float[] out = Workspace.overwritten(x.size());
        float[] mean = Workspace.overwritten(rows);
        float[] rstd = Workspace.overwritten(rows);
        LayerNorm.forward(x.data(), data(weight), data(bias), out, mean, rstd, rows, channels, eps);
        Tensor result = weight == null && bias == null ? Tensor.result(out, x.shape(), "layerNorm", x)
                : weight == null ? Tensor.result(out, x.shape(), "layerNorm", x, bias)
                : bias == null ? Tensor.result(out, x.shape(), "layerNorm", x, weight)
                : Tensor.result(out, x.shape(), "layerNorm", x, weight, bias);
        result.onBackward(() -> LayerNorm.backward(result.grad(), x.data(), data(weight), mean, rstd,
                x.gradSink(), sink(weight), sink(bias), rows, channels));
        return result;
    }

    static Tensor embedding(Tensor weight, int[] ids, int[] idsShape) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be (numEmbeddings, C), got "
                    + Arrays.toString(weight.shape()));
        }
        int[] shape = idsShape.length == 0 ? new int[] {ids.length} : idsShape;
        if (Tensor.checkShape(shape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape "
                    + Arrays.toString(shape));
        }
        int numEmbeddings = weight.dim(0);
        int channels = weight.dim(1);
        int[] outShape = Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = channels;
        int[] saved = ids.clone();
        float[] out = Workspace.overwritten(ids.length * channels);
        Embedding.forward(weight.data(), saved, out, saved.length, numEmbeddings, channels);
        Tensor result = Tensor.result(out, outShape, "embedding", weight);
        result.onBackward(() -> Embedding.backward(result.grad(), saved, weight.gradSink(), saved.length, channels));
        return result;
    }

    static Tensor attention(Tensor qkv, int numHeads, boolean causal) {
        if (qkv.rank() != 3 || qkv.dim(2) % 3 != 0) {
            throw new IllegalArgumentException("attention: qkv must be (B, T, 3C), got " + Arrays.toString(qkv.shape()));
        }
        int batch = qkv.dim(0);
        int time = qkv.dim(1);
        int channels = qkv.dim(2) / 3;
        if (numHeads <= 0 || channels % numHeads != 0) {
            throw new IllegalArgumentException("attention: C = " + channels + " is not divisible by numHeads = "
                    + numHeads);
        }
        float[] out = Workspace.overwritten(batch * time * channels);
        float[] probs = Workspace.overwritten(batch * numHeads * time * time);
        Attention.forward(qkv.data(), out, probs, batch, time, channels, numHeads, causal);
        Tensor result = Tensor.result(out, new int[] {batch, time, channels}, causal ? "attention(causal)" : "attention", qkv);
        result.onBackward(() -> Attention.backward(result.grad(), qkv.data(), probs, qkv.gradSink(), batch, time,
                channels, numHeads, causal));
        return result;
    }

    static Tensor dropout(Tensor x, float p, long seed) {
        Dropout.checkProbability(p);
        if (p == 0f) {
            return x;
        }
        float[] out = Workspace.floats(x.size());
        Dropout.forward(x.data(), out, out.length, p, seed);
        Tensor result = Tensor.result(out, x.shape(), "dropout", x);
        result.onBackward(() -> Dropout.backward(result.grad(), x.gradSink(), out.length, p, seed));
        return result;
    }

    static Tensor crossEntropy(Tensor logits, int[] targets, float[] weights, float normaliser) {
        if (logits.rank() < 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be (N, V), got " + Arrays.toString(logits.shape()));
        }
        int vocab = logits.dim(-1);
        int rows = logits.size() / Math.max(1, vocab);
        if (targets.length != rows) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + rows + " rows of "
                    + Arrays.toString(logits.shape()));
        }
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("crossEntropy: " + weights.length + " weights for " + rows + " rows");
        }
        if (!(normaliser > 0f) || Float.isInfinite(normaliser)) {
            throw new IllegalArgumentException("crossEntropy: normaliser must be positive and finite, got " + normaliser);
        }
        int[] savedTargets = targets.clone();
        float[] savedWeights = weights == null ? null : weights.clone();
        float[] losses = Workspace.floats(rows);
        float[] logSumExp = Workspace.floats(rows);
        double total = CrossEntropy.forward(logits.data(), savedTargets, savedWeights, losses, logSumExp, rows, vocab);
        Tensor result = Tensor.result(new float[] {(float) (total / normaliser)}, new int[0], "crossEntropy", logits);
        result.onBackward(() -> CrossEntropy.backward(logits.data(), logSumExp, savedTargets, savedWeights,
                result.grad()[0] / normaliser, logits.gradSink(), rows, vocab));
        return result;
    }

    private static int lastDim(String op, Tensor x) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException(op + " needs a tensor of rank >= 1, got a scalar");
        }
        return x.dim(-1);
    }

    private static float[] data(Tensor t) {
        return t == null ? null : t.data();
    }

    private static float[] sink(Tensor t) {
        return t == null ? null : t.gradSink();
    }
}
