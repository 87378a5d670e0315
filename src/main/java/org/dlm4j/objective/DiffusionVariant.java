package org.dlm4j.objective;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The ways {@link MaskedDiffusion} draws its mask and weighs the masked cross-entropies. With L
 * the sequence length, m_b the number of masked tokens of row b and CE_bi the cross-entropy of
 * the prediction of x0_bi from the noisy row, every variant computes
 * <pre>
 *   loss = sum_b w_b sum_{i masked in b} CE_bi / N
 * </pre>
 * <ul>
 *   <li>{@link #PAPER}: t_b ~ U(0,1); each token masked independently with probability t_b, at least
 *       one forced; w_b = 1 / (m_b / L) = L / m_b (the REALISED fraction, as the seed code does,
 *       instead of 1/t_b); N = B*L. An upper bound on the NLL per token.</li>
 *   <li>{@link #LLADA}: exactly l_b ~ U{1..L} positions masked, chosen uniformly; w_b = L / l_b;
 *       N = B*L. The lower-variance form of the same bound (LLaDA's).</li>
 *   <li>{@link #MDLM}: t_b ~ U[eps, 1) with eps = {@link MaskedDiffusion#MDLM_EPS}; tokens masked
 *       independently with probability t_b, none forced; w_b = 1 / t_b; N = B*L. The unbiased
 *       Monte-Carlo estimate of the continuous-time ELBO with the linear schedule (MDLM's), except for
 *       the t &lt; eps sliver cut off so that 1/t stays bounded.</li>
 *   <li>{@link #MASKED_MEAN}: the paper's mask; w_b = 1; N = total masked tokens in the batch. The
 *       plain mean CE over masked tokens — NOT a bound: it weighs each row by its number of masks,
 *       so heavily masked (hard) rows dominate, while the bound gives every row the same weight
 *       (its mean masked CE, averaged over rows). Kept to show the difference from a bound.</li>
 * </ul>
 */
public enum DiffusionVariant {
    PAPER("paper"),
    LLADA("llada"),
    MDLM("mdlm"),
    MASKED_MEAN("masked-mean");

    private final String label;

    DiffusionVariant(String label) {
        this.label = label;
    }

    /** The name used in options and on the command line. */
    public String label() {
        return label;
    }

    /** The variant called {@code name}; an unknown name gets an error listing the valid ones. */
    public static DiffusionVariant of(String name) {
        for (DiffusionVariant v : values()) {
            if (v.label.equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown diffusion variant '" + name + "'; valid variants: " + labels());
    }

    /** The valid names, comma separated. */
    public static String labels() {
        return Arrays.stream(values()).map(DiffusionVariant::label).collect(Collectors.joining(", "));
    }
}
