package org.dlm4j.tensor;

import java.util.Arrays;

import org.dlm4j.kernels.Rope;

/**
 * The rotary position embedding as a graph op: q and k of every head of a (B, T, 3C) qkv tensor
 * rotated by position (the formulas and the rotate_half convention are in {@link Rope}), v passed
 * through. Backward rotates the gradient back; the op keeps nothing but its sizes.
 */
final class RopeOp {
    private RopeOp() {
    }

    static Tensor rope(Tensor qkv, int numHeads, int positionOffset) {
        if (qkv.rank() != 3 || qkv.dim(2) % 3 != 0) {
            throw new IllegalArgumentException("rope: qkv must be (B, T, 3C), got " + Arrays.toString(qkv.shape()));
        }
        int batch = qkv.dim(0);
        int time = qkv.dim(1);
        int channels = qkv.dim(2) / 3;
        float[] out = new float[qkv.size()];
        Rope.forward(qkv.data(), out, batch, time, channels, numHeads, positionOffset);
        Tensor result = Tensor.result(out, qkv.shape(), "rope", qkv);
        result.onBackward(() -> Rope.backward(result.grad(), qkv.gradSink(), batch, time, channels, numHeads,
                positionOffset));
        return result;
    }
}
