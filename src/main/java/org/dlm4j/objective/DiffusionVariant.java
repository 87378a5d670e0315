package org.dlm4j.objective;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The ways {@link MaskedDiffusion} draws its mask and weighs the masked cross-entropies, named after
 * the references that use them. With L the sequence length, m_b the number of masked tokens of row b,
 * CE_bi the cross-entropy of the prediction of x0_bi from the noisy row and eps =
 * {@link MaskedDiffusion#NOISE_EPS}, every variant computes
 * <pre>
 *   loss = sum_b w_b sum_{i masked in b} CE_bi / N
 * </pre>
 * For one sequence let S(M) = sum_{i in M} CE_i with the positions M masked, h(l) = E_{|M|=l}[S(M)] / l
 * the mean loss of a masked token when l are masked, and ELBO = sum_{l=1..L} h(l) the sequence's
 * evidence bound (an upper bound on its NLL, in nats; divide by L for nats per token). The
 * expectations below are checked by enumerating every mask of a short sequence
 * ({@code DiffusionVariantExpectationTest}).
 * <ul>
 *   <li>{@link #PAPER} (Ni et al.'s seed code): t_b ~ U(0,1); each token masked independently with
 *       probability t_b, at least one forced; w_b = L / m_b (the REALISED fraction instead of 1/t_b);
 *       N = B*L. Its expectation is L/(L+1) (ELBO + h(1)): within O(1/L) of the ELBO and, because
 *       h(1) is usually the smallest h(l), slightly BELOW it, so it is not strictly an upper bound
 *       on the NLL.</li>
 *   <li>{@link #LLADA} (LLaDA's pre-training loss): t_b ~ U(0,1), p_b = (1 - eps) t_b + eps; each token
 *       masked independently with probability p_b, none forced; w_b = 1 / p_b; N = B*L. The
 *       continuous-time ELBO with the linear schedule, except that the noise levels below eps are
 *       moved into [eps, 1) (expectation within O(eps) of the ELBO).</li>
 *   <li>{@link #LLADA_EVAL} (LLaDA's likelihood estimator, the lower-variance form it evaluates with):
 *       exactly l_b ~ U{1..L} positions masked, a uniform subset; w_b = L / l_b; N = B*L. Its
 *       expectation is exactly the ELBO.</li>
 *   <li>{@link #MDLM} (MDLM's log-linear schedule): t_b ~ U[eps, 1); each token masked independently with
 *       probability (1 - eps) t_b, none forced; w_b = 1 / t_b; N = B*L. The same continuous-time ELBO
 *       up to O(eps); the weight 1/t gives it the heaviest variance tail of the bounds.</li>
 *   <li>{@link #MASKED_MEAN}: the paper's mask; w_b = 1; N = total masked tokens in the batch. The
 *       plain mean CE over masked tokens, NOT a bound: it weighs each row by its number of masks,
 *       so heavily masked (hard) rows dominate, while the bounds give every row the same weight
 *       (its mean masked CE, averaged over rows). Kept to show the difference from a bound.</li>
 * </ul>
 * The LLaDA and MDLM forms differ by terms of order eps = 0.001: both are kept so that a run can name
 * exactly the reference it follows.
 */
public enum DiffusionVariant {
    PAPER("paper"),
    LLADA("llada"),
    LLADA_EVAL("llada-eval"),
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
