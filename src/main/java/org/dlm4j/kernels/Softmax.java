package org.dlm4j.kernels;

import org.dlm4j.exercise.Exercise;

/**
 * Softmax and log-softmax over the last axis of a (rows, cols) block.
 * <pre>
 *   softmax:     p_j = exp(x_j - m) / sum_k exp(x_k - m),        m = max_k x_k (for stability)
 *                dx_j += p_j (dp_j - sum_k p_k dp_k)
 *   logSoftmax:  y_j = x_j - m - log(sum_k exp(x_k - m))
 *                dx_j += dy_j - exp(y_j) sum_k dy_k
 * </pre>
 * Backward methods ADD into {@code dx}. Sums run in increasing column order.
 */
public final class Softmax {
    private Softmax() {
    }

    /** out(r, :) = softmax(x(r, :)). */
    public static void forward(float[] x, float[] out, int rows, int cols) {
        Rows.run(rows, cols, (start, end) -> {
            for (int r = start; r < end; r++) {
                forwardRow(x, out, r * cols, cols);
            }
        });
    }

    /**
     * One row: {@code out[base + j] = exp(x_j - m) / sum_k exp(x_k - m)} for j in [0, cols), where
     * x_j = {@code x[base + j]} and m is the row's maximum. Subtracting m changes nothing mathematically
     * but keeps every exp at most 1, so logits of 1000 do not overflow. Exponentials are computed in
     * double and rounded to float, sums run in float with j ascending; nothing outside the row is written.
     */
    @Exercise("L01.4")
    static void forwardRow(float[] x, float[] out, int base, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, x[base + c]);
        }
        float sum = 0f;
        for (int c = 0; c < cols; c++) {
            float e = (float) Math.exp(x[base + c] - max);
            out[base + c] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int c = 0; c < cols; c++) {
            out[base + c] *= inv;
        }
    }

    /** dx += softmax Jacobian-vector product, from the saved probabilities {@code p}. */
    public static void backward(float[] p, float[] dout, float[] dx, int rows, int cols) {
        Rows.run(rows, cols, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * cols;
                float dot = 0f;
                for (int c = 0; c < cols; c++) {
                    dot += p[base + c] * dout[base + c];
                }
                for (int c = 0; c < cols; c++) {
                    dx[base + c] += p[base + c] * (dout[base + c] - dot);
                }
            }
        });
    }

    /** out(r, :) = logSoftmax(x(r, :)). */
    public static void logForward(float[] x, float[] out, int rows, int cols) {
        Rows.run(rows, cols, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * cols;
                float max = max(x, base, cols);
                float logSum = logSumShifted(x, base, cols, max);
                for (int c = 0; c < cols; c++) {
                    out[base + c] = (x[base + c] - max) - logSum; // shifted first: exact for large logits
                }
            }
        });
    }

    /** dx += logSoftmax Jacobian-vector product, from the saved output {@code y}. */
    public static void logBackward(float[] y, float[] dout, float[] dx, int rows, int cols) {
        Rows.run(rows, cols, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * cols;
                float sum = 0f;
                for (int c = 0; c < cols; c++) {
                    sum += dout[base + c];
                }
                for (int c = 0; c < cols; c++) {
                    dx[base + c] += dout[base + c] - (float) Math.exp(y[base + c]) * sum;
                }
            }
        });
    }

    static float max(float[] x, int base, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, x[base + c]);
        }
        return max;
    }

    /** log(sum_c exp(x[base + c] - max)); the log-sum-exp of the row is max plus this. */
    static float logSumShifted(float[] x, int base, int cols, float max) {
        float sum = 0f;
        for (int c = 0; c < cols; c++) {
            sum += (float) Math.exp(x[base + c] - max);
        }
        return (float) Math.log(sum);
    }
}
