package org.dlm4j.eval;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.dlm4j.objective.Autoregressive;
import org.dlm4j.objective.MaskedDiffusion;
import org.dlm4j.objective.Objective;

/**
 * How a likelihood is computed. With L the number of scored tokens (a window, or a multiple-choice
 * ending), c_i = -log p_theta(x_i | visible tokens) and M the masked set of one Monte Carlo sample:
 * <ul>
 *   <li>{@link #EXACT} (AR only): sum_i -log p(x_i | x_&lt;i), the exact NLL of a causal model.</li>
 *   <li>{@link #CHAIN_RULE} (diffusion only): pass i = 0..L-1 shows x_&lt;i and masks positions &gt;= i,
 *       scoring -log p(x_i | x_&lt;i, masks). The sum is the EXACT NLL of the model's left-to-right
 *       factorisation (a (sub-)normalised distribution over sequences), so it is comparable with an AR's
 *       exact NLL. Cost: L forward passes of the whole window per window (batched as one (L, T) pass),
 *       i.e. about L times the cost of a bound sample.</li>
 *   <li>{@link #PAPER} (diffusion): t ~ U(0,1); mask each token with probability t, at least one;
 *       value (L / |M|) sum_{i in M} c_i — the paper's (seed code's) training and validation loss.
 *       Its expectation is L/(L+1) (ELBO + h(1)) with h(1) the mean loss with one token masked: within
 *       O(1/L) of the ELBO and, because h(1) is usually the smallest term, slightly BELOW it.</li>
 *   <li>{@link #LLADA} (diffusion): LLaDA's pre-training loss as an estimator: t ~ U(0,1),
 *       p = (1 - eps) t + eps; mask each token with probability p; value (1/p) sum_{i in M} c_i. The
 *       continuous-time ELBO up to O(eps).</li>
 *   <li>{@link #LLADA_EVAL} (diffusion): LLaDA's likelihood estimator: l ~ U{1..L} (l = 1 + floor(t L));
 *       mask exactly l tokens chosen uniformly; value (L / l) sum_{i in M} c_i. Its expectation is
 *       exactly the ELBO sum_{l=1..L} E_{|M|=l}[(1/l) sum_{i in M} c_i], with the lowest variance of
 *       the bounds: the one to report beside an exact NLL.</li>
 *   <li>{@link #MDLM} (diffusion): MDLM's log-linear schedule: t ~ U[eps, 1)
 *       ({@link MaskedDiffusion#NOISE_EPS}); mask each token with probability (1 - eps) t; value
 *       (1/t) sum_{i in M} c_i — the continuous-time ELBO up to O(eps), with a heavy variance tail from
 *       small t.</li>
 * </ul>
 * The four Monte Carlo estimators are UPPER BOUNDS on the NLL (paper's up to its O(1/L) offset), not
 * the NLL: a DLM's bound against an AR's exact NLL is not a like-for-like comparison; use
 * {@link #CHAIN_RULE} for that.
 */
public enum Estimator {
    EXACT("exact"),
    CHAIN_RULE("chain-rule"),
    PAPER("paper"),
    LLADA("llada"),
    LLADA_EVAL("llada-eval"),
    MDLM("mdlm");

    private final String label;

    Estimator(String label) {
        this.label = label;
    }

    /** The name used on the command line and in reports. */
    public String label() {
        return label;
    }

    /** Whether the estimator draws masks (a Monte Carlo bound) rather than computing an exact NLL. */
    public boolean monteCarlo() {
        return this == PAPER || this == LLADA || this == LLADA_EVAL || this == MDLM;
    }

    /** The estimator called {@code name}; an unknown name gets an error listing the valid ones. */
    public static Estimator of(String name) {
        for (Estimator e : values()) {
            if (e.label.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown estimator '" + name + "'; valid estimators: " + labels());
    }

    /** The valid names, comma separated. */
    public static String labels() {
        return Arrays.stream(values()).map(Estimator::label).collect(Collectors.joining(", "));
    }

    /**
     * The default for an objective: exact for AR; for diffusion the bound the model was trained with
     * (paper, llada, llada-eval or mdlm), or paper when it was trained with the masked mean (not a bound).
     */
    public static Estimator defaultFor(Objective objective) {
        if (objective instanceof MaskedDiffusion diffusion) {
            return switch (diffusion.variant()) {
                case LLADA -> LLADA;
                case LLADA_EVAL -> LLADA_EVAL;
                case MDLM -> MDLM;
                case PAPER, MASKED_MEAN -> PAPER;
            };
        }
        return EXACT;
    }

    /** Fails with a one-line reason when this estimator does not apply to {@code objective}. */
    public void requireValidFor(Objective objective) {
        boolean diffusion = objective instanceof MaskedDiffusion;
        if (!diffusion && !(objective instanceof Autoregressive)) {
            throw new IllegalArgumentException("cannot evaluate objective '" + objective.name() + "'");
        }
        if (!diffusion && this != EXACT) {
            throw new IllegalArgumentException("estimator '" + label + "' is for diffusion models; an AR checkpoint"
                    + " already has an exact NLL (use --estimator exact, the default)");
        }
        if (diffusion && this == EXACT) {
            throw new IllegalArgumentException("estimator 'exact' is for AR models; for a diffusion checkpoint use"
                    + " chain-rule (exact left-to-right NLL) or a bound: paper, llada, llada-eval, mdlm");
        }
    }
}
