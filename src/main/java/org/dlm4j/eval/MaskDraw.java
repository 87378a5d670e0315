package org.dlm4j.eval;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;
import org.dlm4j.objective.MaskedDiffusion;

/**
 * The K noise samples of one Monte Carlo likelihood estimate over L scored positions: for sample k
 * a mask M_k over the L positions and the weight w_k of its masked losses, so that the estimate of
 * the span's NLL is (1/K) sum_k w_k sum_{i in M_k} c_i (see {@link Estimator} for each weighting).
 *
 * <p>Noise levels are stratified over the K samples: t_k = (k + u) / K with one u ~ U(0,1), so
 * every stratum [k/K, (k+1)/K) holds exactly one t (same expectation, lower variance than K
 * independent draws). With {@code antithetic}, K must be even: K/2 stratified t_j and their
 * partners 1 - t_j; a partner also reverses the per-token uniforms (u_i -> 1 - u_i), so for paper and
 * mdlm its mask is the complement of the first mask (each token scored in exactly one of the pair).
 *
 * <p>Per sample: t, then L uniforms u_i from the rng. paper: M = {i : u_i &lt; t}, or {argmin u} when
 * empty, w = L/|M|. llada: p = (1 - eps) t + eps, M = {i : u_i &lt; p}, w = 1/p. llada-eval:
 * l = min(L, 1 + floor(t L)), M = the l positions with the smallest u_i (a uniform l-subset), w = L/l.
 * mdlm: t' = eps + (1 - eps) t, M = {i : u_i &lt; (1 - eps) t'}, w = 1/t'. An empty mask adds 0.
 *
 * @param masked  (K, L) row by row
 * @param weights (K) the weight of every masked loss of each sample
 */
public record MaskDraw(int samples, int length, boolean[] masked, double[] weights) {

    /** Draws K samples over L positions for a Monte Carlo estimator. */
    public static MaskDraw draw(Estimator estimator, int samples, boolean antithetic, int length, Rng rng) {
        if (!estimator.monteCarlo()) {
            throw new IllegalArgumentException("estimator '" + estimator.label() + "' draws no masks");
        }
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be positive, got " + samples);
        }
        if (antithetic && samples % 2 != 0) {
            throw new IllegalArgumentException("antithetic sampling needs an even number of samples, got " + samples);
        }
        if (length <= 0) {
            throw new IllegalArgumentException("nothing to score: length " + length);
        }
        boolean[] masked = new boolean[samples * length];
        double[] weights = new double[samples];
        int strata = antithetic ? samples / 2 : samples;
        double u = rng.nextDouble();
        double[] uniforms = new double[length];
        for (int j = 0; j < strata; j++) {
            double t = (j + u) / strata;
            for (int i = 0; i < length; i++) {
                uniforms[i] = rng.nextDouble();
            }
            int k = antithetic ? 2 * j : j;
            weights[k] = maskRow(estimator, t, uniforms, masked, k * length);
            if (antithetic) {
                double[] reversed = new double[length];
                for (int i = 0; i < length; i++) {
                    reversed[i] = 1 - uniforms[i];
                }
                weights[k + 1] = maskRow(estimator, 1 - t, reversed, masked, (k + 1) * length);
            }
        }
        return new MaskDraw(samples, length, masked, weights);
    }

    /** Fills one row's mask from t and its uniforms; returns the row's weight. */
    private static double maskRow(Estimator estimator, double t, double[] uniforms, boolean[] masked, int row) {
        int length = uniforms.length;
        switch (estimator) {
            case PAPER -> {
                int count = 0;
                int smallest = 0;
                for (int i = 0; i < length; i++) {
                    if (uniforms[i] < t) {
                        masked[row + i] = true;
                        count++;
                    }
                    if (uniforms[i] < uniforms[smallest]) {
                        smallest = i;
                    }
                }
                if (count == 0) {
                    masked[row + smallest] = true;
                    count = 1;
                }
                return (double) length / count;
            }
            case LLADA -> {
                double p = (1 - MaskedDiffusion.NOISE_EPS) * t + MaskedDiffusion.NOISE_EPS;
                maskBelow(uniforms, p, masked, row);
                return 1 / p;
            }
            case LLADA_EVAL -> {
                int count = Math.min(length, 1 + (int) (t * length));
                Integer[] order = new Integer[length];
                for (int i = 0; i < length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> Double.compare(uniforms[a], uniforms[b]));
                for (int j = 0; j < count; j++) {
                    masked[row + order[j]] = true;
                }
                return (double) length / count;
            }
            case MDLM -> {
                double level = MaskedDiffusion.NOISE_EPS + (1 - MaskedDiffusion.NOISE_EPS) * t;
                maskBelow(uniforms, (1 - MaskedDiffusion.NOISE_EPS) * level, masked, row);
                return 1 / level;
            }
            default -> throw new IllegalArgumentException("estimator '" + estimator.label() + "' draws no masks");
        }
    }

    /** Masks the positions whose uniform is below {@code probability}. */
    private static void maskBelow(double[] uniforms, double probability, boolean[] masked, int row) {
        for (int i = 0; i < uniforms.length; i++) {
            masked[row + i] = uniforms[i] < probability;
        }
    }
}
