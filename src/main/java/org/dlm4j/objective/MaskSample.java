package org.dlm4j.objective;

/**
 * One draw of the diffusion noise for a batch of B rows of length L, and the weights that turn
 * the masked cross-entropies into the loss (see {@link DiffusionVariant}):
 * <pre>
 *   loss = sum_b rowWeights[b] sum_{i : masked[b*L + i]} CE_bi / normaliser
 * </pre>
 *
 * @param batchSize   B
 * @param length      L, the (possibly shortened) sequence length
 * @param masked      (B, L) row by row: whether the token is replaced by the mask id
 * @param noiseLevels (B) the noise level of each row: the drawn t_b (paper, masked-mean), llada's
 *                    masking probability p_b, mdlm's t_b in [eps, 1), llada-eval's l_b / L, or for
 *                    an explicit mask given without noise levels the realised fraction m_b / L
 * @param rowWeights  (B) w_b, the weight of every masked cross-entropy of row b
 * @param normaliser  N, what the weighted sum is divided by (B*L, or the number of masked tokens)
 */
public record MaskSample(int batchSize, int length, boolean[] masked, double[] noiseLevels, float[] rowWeights,
                         double normaliser) {

    public MaskSample {
        if (masked.length != (long) batchSize * length || noiseLevels.length != batchSize
                || rowWeights.length != batchSize) {
            throw new IllegalArgumentException("mask sample arrays do not match B=" + batchSize + ", L=" + length);
        }
        if (!(normaliser > 0)) {
            throw new IllegalArgumentException("normaliser must be positive, got " + normaliser);
        }
    }

    /** m_b, the number of masked tokens of row {@code row}. */
    public int maskedCount(int row) {
        int count = 0;
        for (int i = row * length; i < (row + 1) * length; i++) {
            if (masked[i]) {
                count++;
            }
        }
        return count;
    }

    /** The number of masked tokens in the whole batch. */
    public int maskedCount() {
        int count = 0;
        for (boolean m : masked) {
            if (m) {
                count++;
            }
        }
        return count;
    }

    /** x_t: a copy of {@code x0} (B, L) with the masked positions replaced by {@code maskId}. */
    public int[] noisyInput(int[] x0, int maskId) {
        if (x0.length != masked.length) {
            throw new IllegalArgumentException(x0.length + " tokens for a mask of " + masked.length);
        }
        int[] noisy = x0.clone();
        for (int i = 0; i < noisy.length; i++) {
            if (masked[i]) {
                noisy[i] = maskId;
            }
        }
        return noisy;
    }

    /** (B, L): w_b at masked positions, 0 elsewhere — the cross-entropy weights of the loss. */
    public float[] tokenWeights() {
        float[] weights = new float[masked.length];
        for (int i = 0; i < masked.length; i++) {
            weights[i] = masked[i] ? rowWeights[i / length] : 0f;
        }
        return weights;
    }
}
