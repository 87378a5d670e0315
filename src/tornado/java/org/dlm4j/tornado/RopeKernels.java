package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Rotary position embedding of q and k inside the qkv rows (B*T, 3C) ({@code org.dlm4j.kernels.Rope}'s
 * twin). Channels i and i + hs/2 of each head form a pair rotated by the angle pos * base^(-2i/hs):
 * <pre>
 *   first'  = first cos - second sin,   second' = first sin + second cos      (direction +1)
 * </pre>
 * Backward is the rotation by the opposite angle (direction -1), since a rotation's transpose is its
 * inverse; v passes through unchanged. The cos and sin tables (positions x hs/2) are computed on
 * the host in double, exactly as the CPU's, and uploaded once. Positions start at 0.
 *
 * <p>(Not named {@code rotate}: that is an OpenCL C built-in, and a kernel of that name builds but
 * cannot be created, CL_INVALID_KERNEL_NAME, after which TornadoVM crashes in the driver.)
 */
public final class RopeKernels {
    private RopeKernels() {
    }

    /** out = rotate(in) with {@code direction} +1 (forward) or -1 (backward), both (rows, 3C), written. */
    public static void rotateHeads(FloatArray in, FloatArray out, FloatArray cos, FloatArray sin, int rows, int time,
                              int channels, int numHeads, float direction) {
        for (@Parallel int i = 0; i < rows * 3 * channels; i++) {
            int r = i / (3 * channels);
            int within = i % (3 * channels);
            int headSize = channels / numHeads;
            int half = headSize / 2;
            if (within >= 2 * channels) {
                out.set(i, in.get(i));                            // v
            } else {
                int d = within % headSize;
                int pair = d % half;
                int angle = (r % time) * half + pair;
                float c = cos.get(angle);
                float s = direction * sin.get(angle);
                if (d < half) {
                    out.set(i, in.get(i) * c - in.get(i + half) * s);
                } else {
                    out.set(i, in.get(i - half) * s + in.get(i) * c);
                }
            }
        }
    }
}
