package org.dlm4j.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.Tokenizer;
import org.dlm4j.eval.Estimator;
import org.dlm4j.eval.LikelihoodEvaluator;
import org.dlm4j.eval.LikelihoodOptions;
import org.dlm4j.eval.LikelihoodResult;
import org.dlm4j.eval.McOptions;
import org.dlm4j.eval.McResult;
import org.dlm4j.eval.MultipleChoiceEvaluator;
import org.dlm4j.model.Transformer;
import org.dlm4j.objective.Objective;

/**
 * What a sweep measures at an evaluation point, besides the trainer's own validation loss:
 * <ul>
 *   <li>{@code val_nll}: the exact NLL of positions 1..T-1 of the first {@code val_windows} windows of T
 *       validation tokens, every token given the same tokens before it in its window: AR by its own
 *       factorisation, diffusion by the chain rule ({@link LikelihoodOptions#matched()}). The one
 *       likelihood that compares the two objectives like for like.</li>
 *   <li>{@code val_bound} (diffusion): LLaDA's evaluation estimator on the same tokens, K =
 *       {@code bound_samples} per window: an upper bound on the NLL, shown beside it.</li>
 *   <li>multiple choice on the in-window items and, when the spec has them, the hard tier: accuracy and
 *       delta NLL with bootstrap standard errors over stories. AR scores endings exactly; diffusion by
 *       the spec's {@code mc_estimator}.</li>
 * </ul>
 * Every Monte Carlo draw comes from a fixed seed, so the same weights give the same numbers.
 */
final class PointEvaluator {
    /** Seeds the diffusion bound's masks on the validation windows, the same at every point. */
    static final long BOUND_SEED = 0xB0_0D5EEDL;
    /** Seeds the diffusion bound's mask draws in the multiple-choice evaluation, the same at every point. */
    static final long MC_SEED = 0x3C_5EEDL;

    private final SweepSpec spec;
    private final int[] validation;
    private final List<MultipleChoice> items;
    private final List<MultipleChoice> hardItems;
    private final Tokenizer tokenizer;

    /**
     * @param validation at least {@code val_windows} x T validation tokens
     * @param hardItems  the hard tier, or an empty list
     */
    PointEvaluator(SweepSpec spec, int[] validation, List<MultipleChoice> items, List<MultipleChoice> hardItems,
                   Tokenizer tokenizer) {
        this.spec = spec;
        this.validation = validation;
        this.items = items;
        this.hardItems = hardItems;
        this.tokenizer = tokenizer;
    }

    /** The measured columns of {@link EvalPoint} from val_nll on, except delta_nll_gain; NaN where they do not apply. */
    Map<String, Double> evaluate(Transformer model, Objective objective) {
        boolean ar = objective.causal();
        long tokens = (long) spec.valWindows() * model.config().contextLength();
        LikelihoodOptions matched = LikelihoodOptions.defaults().withMatched(true).withMaxTokens(tokens);
        LikelihoodResult nll = LikelihoodEvaluator.evaluate(model, objective, validation,
                matched.withEstimator(ar ? Estimator.EXACT : Estimator.CHAIN_RULE));
        LikelihoodResult bound = ar ? null : LikelihoodEvaluator.evaluate(model, objective, validation,
                matched.withEstimator(Estimator.LLADA_EVAL).withSamples(spec.boundSamples()).withSeed(BOUND_SEED));
        // Accuracy and delta NLL only: the tokens all endings share ("Now Mia was in the ") need not be scored.
        boolean exact = ar || !spec.diffusionMcEstimator().monteCarlo();
        McOptions mcOptions = new McOptions(ar ? null : spec.diffusionMcEstimator(), spec.mcSamples(), false, MC_SEED,
                exact);
        McResult mc = MultipleChoiceEvaluator.evaluate(model, objective, items, tokenizer, mcOptions);
        McResult hard = hardItems.isEmpty() ? null
                : MultipleChoiceEvaluator.evaluate(model, objective, hardItems, tokenizer, mcOptions);

        Map<String, Double> values = new LinkedHashMap<>();
        values.put("val_nll", nll.nllPerToken());
        values.put("val_nll_se", nll.standardError());
        values.put("val_bound", bound == null ? Double.NaN : bound.nllPerToken());
        values.put("val_bound_se", bound == null ? Double.NaN : bound.standardError());
        values.put("mc_accuracy", mc.accuracy());
        values.put("mc_accuracy_se", mc.accuracyStandardError());
        values.put("delta_nll", mc.deltaNll());
        values.put("delta_nll_se", mc.deltaNllStandardError());
        values.put("mc_hard_accuracy", hard == null ? Double.NaN : hard.accuracy());
        values.put("mc_hard_accuracy_se", hard == null ? Double.NaN : hard.accuracyStandardError());
        values.put("mc_hard_delta_nll", hard == null ? Double.NaN : hard.deltaNll());
        return values;
    }
}
