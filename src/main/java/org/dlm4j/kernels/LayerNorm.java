package org.dlm4j.kernels;

import org.dlm4j.exercise.Exercise;

/**
 * Layer normalisation over the last axis of (rows, C), biased variance (as PyTorch):
 * <pre>
 *   mean = (1/C) sum_c x_c,   rstd = 1 / sqrt((1/C) sum_c (x_c - mean)^2 + eps)
 *   n_c = (x_c - mean) rstd,  y_c = n_c w_c + b_c
 * backward (g = dy * w):
 *   dx_c += rstd (g_c - mean(g) - n_c mean(g n))
 *   dw_c += sum_rows dy_c n_c,   db_c += sum_rows dy_c
 * </pre>
 * Forward saves {@code mean} and {@code rstd} (one float per row) for backward. {@code weight} and
 * {@code bias} may be null (then w = 1, b = 0). The parameter gradients sum over rows in row order
 * for each column, so results do not depend on the thread count. The loops below are the reference;
 * fast mode runs {@link FastLayerNorm} (the same formulas on vectors, rows or columns in parallel).
 */
public final class LayerNorm {
    private LayerNorm() {
    }

    public static void forward(float[] x, float[] weight, float[] bias, float[] out, float[] mean,
                               float[] rstd, int rows, int channels, float eps) {
        if (KernelMode.fast()) {
            FastLayerNorm.forward(x, weight, bias, out, mean, rstd, rows, channels, eps);
            return;
        }
        Rows.run(rows, channels, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * channels;
                float sum = 0f;
                for (int c = 0; c < channels; c++) {
                    sum += x[base + c];
                }
                float m = sum / channels;
                float squares = 0f;
                for (int c = 0; c < channels; c++) {
                    float d = x[base + c] - m;
                    squares += d * d;
                }
                float s = 1f / (float) Math.sqrt(squares / channels + eps);
                for (int c = 0; c < channels; c++) {
                    float n = (x[base + c] - m) * s;
                    float w = weight == null ? 1f : weight[c];
                    float b = bias == null ? 0f : bias[c];
                    out[base + c] = n * w + b;
                }
                mean[r] = m;
                rstd[r] = s;
            }
        });
    }

    /** Adds into dx, dweight, dbias (each may be null). */
    public static void backward(float[] dout, float[] x, float[] weight, float[] mean, float[] rstd,
                                float[] dx, float[] dweight, float[] dbias, int rows, int channels) {
        if (KernelMode.fast()) {
            if (dx != null) {
                FastLayerNorm.backwardInput(dout, x, weight, mean, rstd, dx, rows, channels);
            }
            if (dweight != null || dbias != null) {
                FastLayerNorm.backwardParameters(dout, x, mean, rstd, dweight, dbias, rows, channels);
            }
            return;
        }
        referenceBackward(dout, x, weight, mean, rstd, dx, dweight, dbias, rows, channels);
    }

    /**
     * The backward pass of {@link #forward} over (rows, C), from the saved {@code mean} and {@code rstd}
     * of each row. With n_c = (x_c - mean) rstd and g_c = dout_c w_c (w = 1 when {@code weight} is null),
     * per row:
     * <pre>
     *   dx_c += rstd (g_c - mean_c'(g) - n_c mean_c'(g n))
     * </pre>
     * and per column, summed over rows in row order: {@code dweight_c += sum dout_c n_c},
     * {@code dbias_c += sum dout_c}. Each of dx, dweight, dbias may be null and is then skipped; all are
     * added into, never overwritten. Sums run in float.
     */
    @Exercise("L04.1")
    static void referenceBackward(float[] dout, float[] x, float[] weight, float[] mean, float[] rstd,
                                  float[] dx, float[] dweight, float[] dbias, int rows, int channels) {
        if (dx != null) {
            for (int r = 0; r < rows; r++) {
                int base = r * channels;
                float m = mean[r];
                float s = rstd[r];
                float meanG = 0f;
                float meanGn = 0f;
                for (int c = 0; c < channels; c++) {
                    float g = dout[base + c] * (weight == null ? 1f : weight[c]);
                    meanG += g;
                    meanGn += g * (x[base + c] - m) * s;
                }
                meanG /= channels;
                meanGn /= channels;
                for (int c = 0; c < channels; c++) {
                    float g = dout[base + c] * (weight == null ? 1f : weight[c]);
                    float n = (x[base + c] - m) * s;
                    dx[base + c] += s * (g - meanG - n * meanGn);
                }
            }
        }
        if (dweight == null && dbias == null) {
            return;
        }
        for (int c = 0; c < channels; c++) {
            float sumW = 0f;
            float sumB = 0f;
            for (int r = 0; r < rows; r++) {
                float dy = dout[r * channels + c];
                sumW += dy * (x[r * channels + c] - mean[r]) * rstd[r];
                sumB += dy;
            }
            if (dweight != null) {
                dweight[c] += sumW;
            }
            if (dbias != null) {
                dbias[c] += sumB;
            }
        }
    }
}
