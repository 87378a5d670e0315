package org.dlm4j.kernels;

/**
 * Inverted dropout with a stateless mask: element i is kept when {@code Rng.hash(seed, i) >= p}
 * and then scaled by {@code 1/(1-p)}; otherwise it is zeroed. The mask is a pure function of
 * (seed, i), so backward recomputes it instead of storing it, and any thread split draws the
 * same mask.
 */
public final class Dropout {
    private static final int MIN_CHUNK = 1 << 13;

    private Dropout() {
    }

    /** The factor element i is multiplied by: 0 (dropped) or 1/(1-p) (kept). */
    public static float maskValue(long seed, long index, float p) {
        return Rng.hash(seed, index) < p ? 0f : 1f / (1f - p);
    }

    public static void forward(float[] x, float[] out, int n, float p, long seed) {
        checkProbability(p);
        run(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                out[i] = x[i] * maskValue(seed, i, p);
            }
        });
    }

    /** dx += dout * mask. */
    public static void backward(float[] dout, float[] dx, int n, float p, long seed) {
        checkProbability(p);
        run(n, (start, end) -> {
            for (int i = start; i < end; i++) {
                dx[i] += dout[i] * maskValue(seed, i, p);
            }
        });
    }

    public static void checkProbability(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    private static void run(int n, Parallel.RangeBody body) {
        if (KernelMode.fast()) {
            Parallel.forRange(n, MIN_CHUNK, body);
        } else {
            body.run(0, n);
        }
    }
}
