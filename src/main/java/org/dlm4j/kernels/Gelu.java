package org.dlm4j.kernels;

/**
 * GELU, tanh form (GPT-2, PyTorch {@code approximate='tanh'}):
 * <pre>
 *   gelu(x) = 0.5 x (1 + tanh(u)),   u = sqrt(2/pi) (x + 0.044715 x^3)
 *   gelu'(x) = 0.5 (1 + tanh(u)) + 0.5 x (1 - tanh(u)^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
 * </pre>
 * Elementwise, so any split of the index range gives the same bits.
 */
public final class Gelu {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float CUBIC = 0.044715f;
    private static final int MIN_CHUNK = 1 << 13;

    private Gelu() {
    }

    /** out[i] = gelu(x[i]). */
    public static void forward(float[] x, float[] out, int n) {
        Parallel.RangeBody body = (start, end) -> {
            for (int i = start; i < end; i++) {
                float v = x[i];
                float u = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
                out[i] = 0.5f * v * (1f + (float) Math.tanh(u));
            }
        };
        run(n, body);
    }

    /** dx[i] += gelu'(x[i]) * dout[i]. */
    public static void backward(float[] x, float[] dout, float[] dx, int n) {
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
        run(n, body);
    }

    private static void run(int n, Parallel.RangeBody body) {
        if (KernelMode.fast()) {
            Parallel.forRange(n, MIN_CHUNK, body);
        } else {
            body.run(0, n);
        }
    }
}
