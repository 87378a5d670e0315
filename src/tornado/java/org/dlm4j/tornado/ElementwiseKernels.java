package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

/**
 * The elementwise parts of a block, one work-item per element, each the same float formula as its
 * CPU twin in {@code org.dlm4j.kernels}:
 * <pre>
 *   residual   out = a + b
 *   bias grad  db[j] = sum over rows, ascending, of dy[i, j]
 *   GELU       y = 0.5 x (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3)
 *              dx = (0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)) dy
 *   dropout    y = x * (hash(seed, i) &lt; p ? 0 : 1/(1-p)),  hash = Rng.hash (SplitMix64 of seed and index)
 * </pre>
 */
public final class ElementwiseKernels {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float CUBIC = 0.044715f;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private ElementwiseKernels() {
    }

    /** out = a + b over n elements (the residual connection). */
    public static void add(FloatArray a, FloatArray b, FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, a.get(i) + b.get(i));
        }
    }

    /** a = value over n elements. */
    public static void fill(FloatArray a, float value, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            a.set(i, value);
        }
    }

    /** a += b over n elements (a gradient reaching a residual stream twice). */
    public static void addInPlace(FloatArray a, FloatArray b, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            a.set(i, a.get(i) + b.get(i));
        }
    }

    /** grads[offset + j] = sum over the rows of dy[i, j]: a Linear bias's gradient (written, not added). */
    public static void biasGradient(FloatArray dy, FloatArray grads, int offset, int rows, int columns) {
        for (@Parallel int j = 0; j < columns; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                sum = sum + dy.get(i * columns + j);
            }
            grads.set(offset + j, sum);
        }
    }

    public static void geluForward(FloatArray x, FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = x.get(i);
            float u = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
            out.set(i, 0.5f * v * (1f + TornadoMath.tanh(u)));
        }
    }

    /** dx = gelu'(x) dy (written, not added). */
    public static void geluBackward(FloatArray x, FloatArray dout, FloatArray dx, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = x.get(i);
            float u = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
            float t = TornadoMath.tanh(u);
            float du = SQRT_2_OVER_PI * (1f + 3f * CUBIC * v * v);
            float local = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du;
            dx.set(i, local * dout.get(i));
        }
    }

    /**
     * out = x * mask(seeds[seedIndex], i) over n elements, in place allowed; the mask is 0 or 1/(1-p)
     * with p = {@code scalars[pIndex]} (0 in evaluation: every mask is then exactly 1). Backward is the
     * same call on the gradient: the mask is a pure function of (seed, i).
     */
    public static void dropout(FloatArray x, FloatArray out, LongArray seeds, int seedIndex, FloatArray scalars,
                               int pIndex, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, x.get(i) * maskValue(seeds.get(seedIndex), i, scalars.get(pIndex)));
        }
    }

    /** {@code org.dlm4j.kernels.Dropout.maskValue}: 0 when hash(seed, i) &lt; p, else 1/(1-p). */
    public static float maskValue(long seed, long index, float p) {
        return hash(seed, index) < p ? 0f : 1f / (1f - p);
    }

    /**
     * {@code org.dlm4j.kernels.Rng.hash}: a uniform float in [0, 1) from (seed, index), 24 random bits.
     * Every {@code z >>> k} of the CPU's code is written {@code (z >> k) & mask}, the k top bits cleared:
     * TornadoVM 5.2.1 translates Java's unsigned {@code >>>} on a long into OpenCL's {@code >>}, which
     * is signed on a long, and the hash then differs (seen: every element of a dropout mask wrong).
     */
    public static float hash(long seed, long index) {
        long z = mix(seed * GOLDEN_GAMMA + mix(index + GOLDEN_GAMMA));
        return ((z >> 40) & 0xFF_FFFFL) * 0x1.0p-24f;
    }

    private static long mix(long z) {
        long a = (z ^ ((z >> 30) & 0x3_FFFF_FFFFL)) * 0xBF58476D1CE4E5B9L;
        long b = (a ^ ((a >> 27) & 0x1F_FFFF_FFFFL)) * 0x94D049BB133111EBL;
        return b ^ ((b >> 31) & 0x1_FFFF_FFFFL);
    }
}
