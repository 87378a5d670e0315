package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dlm4j.exercise.Exercise;

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
 *
 * <p>Fast mode computes each row's max, log-sum-exp and gradient on vectors (VectorMath's exp and lane sums, the same bits compiled or not);
 * a row is never split, so the bits do not depend on the thread count.
 */
public final class CrossEntropy {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
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
                boolean fast = KernelMode.fast();
                float max = fast ? vectorMax(logits, r * vocab, vocab) : Softmax.max(logits, r * vocab, vocab);
                float logSum = fast ? vectorLogSumShifted(logits, r * vocab, vocab, max)
                        : Softmax.logSumShifted(logits, r * vocab, vocab, max);
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
                if (KernelMode.fast()) {
                    addSoftmax(logits, base, vocab, logSumExp[r], g, dlogits);
                    dlogits[base + targets[r]] -= g;
                } else {
                    referenceBackwardRow(logits, base, vocab, logSumExp[r], targets[r], g, dlogits);
                }
            }
        });
    }

    /**
     * One row of the gradient: {@code dlogits[base + c] += g (p_c - [c == target])} for c in [0, V),
     * where p = softmax of the row {@code logits[base .. base + V)}, computed from the saved log-sum-exp
     * as p_c = exp(logits_c - lse) (the exponential in double, rounded to float). This is the derivative
     * of g (lse - logits_target) with respect to the row. Added into {@code dlogits}, never overwritten.
     */
    @Exercise("L04.2")
    static void referenceBackwardRow(float[] logits, int base, int vocab, float lse, int target, float g,
                                     float[] dlogits) {
        for (int c = 0; c < vocab; c++) {
            dlogits[base + c] += g * (float) Math.exp(logits[base + c] - lse);
        }
        dlogits[base + target] -= g;
    }

    private static float vectorMax(float[] x, int base, int cols) {
        int whole = cols - cols % LANES;
        FloatVector maxV = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < whole; c += LANES) {
            maxV = maxV.max(FloatVector.fromArray(SPECIES, x, base + c));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (int c = whole; c < cols; c++) {
            max = Math.max(max, x[base + c]);
        }
        return max;
    }

    /** log(sum_c exp(x[base + c] - max)): lane-wise partial sums, then a masked last vector. */
    private static float vectorLogSumShifted(float[] x, int base, int cols, float max) {
        int whole = cols - cols % LANES;
        FloatVector sumV = FloatVector.zero(SPECIES);
        for (int c = 0; c < whole; c += LANES) {
            sumV = sumV.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, base + c).sub(max)));
        }
        VectorMask<Float> tail = SPECIES.indexInRange(whole, cols);
        FloatVector last = VectorMath.exp(FloatVector.fromArray(SPECIES, x, base + whole, tail).sub(max));
        return (float) Math.log(VectorMath.sum(sumV) + VectorMath.sum(last.blend(0f, tail.not())));
    }

    /** dx[base + c] += g * exp(x[base + c] - lse) for c in [0, cols). */
    private static void addSoftmax(float[] x, int base, int cols, float lse, float g, float[] dx) {
        int whole = cols - cols % LANES;
        for (int c = 0; c < whole; c += LANES) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(SPECIES, x, base + c).sub(lse));
            FloatVector.fromArray(SPECIES, dx, base + c).add(p.mul(g)).intoArray(dx, base + c);
        }
        VectorMask<Float> tail = SPECIES.indexInRange(whole, cols);
        FloatVector p = VectorMath.exp(FloatVector.fromArray(SPECIES, x, base + whole, tail).sub(lse));
        FloatVector.fromArray(SPECIES, dx, base + whole, tail).add(p.mul(g)).intoArray(dx, base + whole, tail);
    }
}
