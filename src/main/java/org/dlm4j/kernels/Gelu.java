package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU, tanh form (GPT-2, PyTorch {@code approximate='tanh'}):
 * <pre>
 *   gelu(x) = 0.5 x (1 + tanh(u)),   u = sqrt(2/pi) (x + 0.044715 x^3)
 *   gelu'(x) = 0.5 (1 + tanh(u)) + 0.5 x (1 - tanh(u)^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
 * </pre>
 * Elementwise, so any split of the index range gives the same bits. The loops below are the
 * reference; fast mode runs the same function on vectors, written with the logistic sigmoid,
 * 0.5 (1 + tanh(u)) = 1 / (1 + exp(-2u)), and {@link VectorMath#exp} (the same bits compiled or not) over chunks of whole vectors, the last partial vector under a mask,
 * so every element takes the same path for any thread count.
 */
public final class Gelu {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float CUBIC = 0.044715f;
    private static final int MIN_CHUNK = 1 << 13;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private Gelu() {
    }

    /** out[i] = gelu(x[i]). */
    public static void forward(float[] x, float[] out, int n) {
        if (KernelMode.fast()) {
            vectorChunks(n, (start, end) -> fastForward(x, out, start, end));
            return;
        }
        Parallel.RangeBody body = (start, end) -> {
            for (int i = start; i < end; i++) {
                float v = x[i];
                float u = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
                out[i] = 0.5f * v * (1f + (float) Math.tanh(u));
            }
        };
        body.run(0, n);
    }

    /** dx[i] += gelu'(x[i]) * dout[i]. */
    public static void backward(float[] x, float[] dout, float[] dx, int n) {
        if (KernelMode.fast()) {
            vectorChunks(n, (start, end) -> fastBackward(x, dout, dx, start, end));
            return;
        }
        Parallel.RangeBody body = (start, end) -> {
            for (int i = start; i < end; i++) {
                float v = x[i];
                float u = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
                float t = (float) Math.tanh(u);
                float du = SQRT_2_OVER_PI * (1f + 3f * CUBIC * v * v);
                float local = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du;
                dx[i] += local * dout[i];
            }
        };
        body.run(0, n);
    }

    private static void fastForward(float[] x, float[] out, int start, int end) {
        int i = start;
        for (; i + LANES <= end; i += LANES) {
            geluVector(FloatVector.fromArray(SPECIES, x, i)).intoArray(out, i);
        }
        if (i < end) {
            VectorMask<Float> m = SPECIES.indexInRange(i, end);
            geluVector(FloatVector.fromArray(SPECIES, x, i, m)).intoArray(out, i, m);
        }
    }

    /** gelu(x) = x sigmoid(2u) = x / (1 + exp(-2u)), the same function as 0.5 x (1 + tanh(u)). */
    private static FloatVector geluVector(FloatVector v) {
        FloatVector u = v.mul(v).mul(v).mul(CUBIC).add(v).mul(SQRT_2_OVER_PI);
        return v.div(VectorMath.exp(u.mul(-2f)).add(1f));
    }

    private static void fastBackward(float[] x, float[] dout, float[] dx, int start, int end) {
        int i = start;
        for (; i + LANES <= end; i += LANES) {
            FloatVector local = geluDerivative(FloatVector.fromArray(SPECIES, x, i));
            FloatVector.fromArray(SPECIES, dx, i).add(local.mul(FloatVector.fromArray(SPECIES, dout, i)))
                    .intoArray(dx, i);
        }
        if (i < end) {
            VectorMask<Float> m = SPECIES.indexInRange(i, end);
            FloatVector local = geluDerivative(FloatVector.fromArray(SPECIES, x, i, m));
            FloatVector.fromArray(SPECIES, dx, i, m).add(local.mul(FloatVector.fromArray(SPECIES, dout, i, m)))
                    .intoArray(dx, i, m);
        }
    }

    /** gelu'(x) = s + 2 x s (1 - s) u',  s = sigmoid(2u) = (1 + tanh(u)) / 2,  u' = sqrt(2/pi)(1 + 3c x^2). */
    private static FloatVector geluDerivative(FloatVector v) {
        FloatVector v2 = v.mul(v);
        FloatVector u = v2.mul(v).mul(CUBIC).add(v).mul(SQRT_2_OVER_PI);
        FloatVector s = FloatVector.broadcast(SPECIES, 1f).div(VectorMath.exp(u.mul(-2f)).add(1f));
        FloatVector du = v2.mul(3f * CUBIC).add(1f).mul(SQRT_2_OVER_PI);
        return s.add(v.mul(2f).mul(s).mul(s.neg().add(1f)).mul(du));
    }

    /** Splits [0, n) at multiples of the vector length, so chunking never changes an element's path. */
    private static void vectorChunks(int n, Parallel.RangeBody body) {
        int vectors = (n + LANES - 1) / LANES;
        Parallel.forRange(vectors, MIN_CHUNK / LANES,
                (start, end) -> body.run(start * LANES, Math.min(n, end * LANES)));
    }
}
