package org.dlm4j.kernels;

/**
 * Softmax cross-entropy over (rows, V) logits with an integer target and a weight per row:
 * <pre>
 *   loss_r = logsumexp(x_r) - x_r[target_r]
 *   total  = sum_r w_r loss_r                       (the caller divides by its normaliser)
 *   dx_r  += scale * w_r * (softmax(x_r) - onehot(target_r))
 * </pre>
 * A row with weight 0 is ignored: its loss is 0, its gradient is 0 and its target is not read (so
 * it may be any value, e.g. -1). {@code weights == null} means every weight is 1.
 *
 * <p>Forward saves one float per row, the log-sum-exp, so backward recomputes the probabilities
 * instead of storing a (rows, V) block. The total is summed in double in row order.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * @param losses    out: per-row unweighted loss (0 for ignored rows), length rows
     * @param logSumExp out: per-row log-sum-exp saved for backward, length rows
     * @return the weighted sum of the per-row losses
     */
    public static double forward(float[] logits, int[] targets, float[] weights, float[] losses,
                                 float[] logSumExp, int rows, int vocab) {
        Rows.run(rows, vocab, (start, end) -> {
            for (int r = start; r < end; r++) {
                float w = weights == null ? 1f : weights[r];
                if (w == 0f) {
                    losses[r] = 0f;
                    logSumExp[r] = 0f;
                    continue;
                }
                int target = targets[r];
                if (target < 0 || target >= vocab) {
                    throw new IllegalArgumentException("target " + target + " at row " + r
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
                float max = Softmax.max(logits, r * vocab, vocab);
                float logSum = Softmax.logSumShifted(logits, r * vocab, vocab, max);
                logSumExp[r] = max + logSum;
                losses[r] = (max - logits[r * vocab + target]) + logSum;
            }
        });
        double total = 0.0;
        for (int r = 0; r < rows; r++) {
            float w = weights == null ? 1f : weights[r];
            total += (double) w * losses[r];
        }
        return total;
    }

    /** dlogits += scale * w_r * (softmax(logits_r) - onehot(target_r)). */
    public static void backward(float[] logits, float[] logSumExp, int[] targets, float[] weights,
                                float scale, float[] dlogits, int rows, int vocab) {
        Rows.run(rows, vocab, (start, end) -> {
            for (int r = start; r < end; r++) {
                float w = weights == null ? 1f : weights[r];
                if (w == 0f) {
                    continue;
                }
                float g = scale * w;
                int base = r * vocab;
                float lse = logSumExp[r];
                for (int c = 0; c < vocab; c++) {
                    dlogits[base + c] += g * (float) Math.exp(logits[base + c] - lse);
                }
                dlogits[base + targets[r]] -= g;
            }
        });
    }
}
