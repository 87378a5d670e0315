package org.dlm4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.Tokenizer;
import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.objective.MaskedDiffusion;
import org.dlm4j.objective.Objective;

/**
 * Scores multiple-choice items (HellaSwag style): each ending's NLL given the context, the lowest
 * wins. Tokens: context = encode(context), ending = encode(" " + ending) (the item format joins them
 * with one space; the space belongs to the ending, as GPT-2 BPE expects).
 * <ul>
 *   <li>AR ({@link Estimator#EXACT}): sum over the ending's tokens of -log p(token | context, earlier
 *       ending tokens), one causal pass. An empty context becomes the end-of-text id (documents in
 *       token files start after one), so that the first ending token has something to condition on.</li>
 *   <li>Diffusion, bound (paper, llada, llada-eval, mdlm): the context stays visible and only ENDING positions are
 *       masked; K samples of the estimator over the L ending tokens, their mean is the ending's NLL bound.
 *       With a single-token ending, paper and llada-eval always mask exactly that token with weight L/1 = 1,
 *       so every sample IS -log p(ending | context): K = 1 is exact.</li>
 *   <li>Diffusion, {@link Estimator#CHAIN_RULE}: the ending is unmasked left to right, one pass per
 *       ending token, the exact NLL of the ending under the left-to-right factorisation.</li>
 * </ul>
 * Too long for the model (context + ending &gt; T tokens, for AR as for diffusion, so that both see the
 * same context): the context is cut from the LEFT, keeping its end and the whole ending; an ending that
 * alone does not fit (AR: more than T - 1 tokens, diffusion: more than T) is an error naming the item.
 *
 * <p>Chain rule and endings of one length: the terms of the tokens that all endings share at their start
 * ("Now Mia was in the" before "park."/"barn.") are the same for every ending, since each term sees only
 * the tokens before its position; they are computed once and added to each ending's total (same numbers,
 * fewer passes). With {@link McOptions#differencesOnly()} (exact estimators) those shared terms are not
 * computed at all: accuracy and delta NLL stay the same, and the ending NLLs leave them out.
 *
 * <p>Reported: accuracy, per-token length-normalised accuracy, mean NLL of correct and of wrong endings
 * and their gap delta NLL = mean NLL(wrong) - mean NLL(correct) (larger is better), see {@link McResult}.
 */
public final class MultipleChoiceEvaluator {
    private MultipleChoiceEvaluator() {
    }

    /** Scores every item; see the class comment for what each estimator computes. */
    public static McResult evaluate(Transformer model, Objective objective, List<MultipleChoice> items,
                                    Tokenizer tokenizer, McOptions options) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no multiple-choice items to evaluate");
        }
        Estimator estimator = options.estimator() == null ? Estimator.defaultFor(objective) : options.estimator();
        estimator.requireValidFor(objective);
        LikelihoodEvaluator.requireCausalMatches(model, objective);
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer '" + tokenizer.name() + "' has " + tokenizer.vocabSize()
                    + " ids, the model only " + model.config().vocabSize());
        }
        var scorer = new EndingScorer(model, objective, tokenizer, estimator, options);
        List<McItemScore> scores = new ArrayList<>(items.size());
        for (MultipleChoice item : items) {
            scores.add(scorer.score(item));
        }
        return summarise(objective, estimator, options, scores);
    }

    /**
     * The result over the item scores: accuracy (the fraction of items whose {@code predicted} ending is
     * the {@code label}), the same with {@code predictedNormalized}, the mean over items of the correct
     * ending's NLL and of the mean NLL of the wrong endings ({@link McItemScore#nllWrong}), and delta NLL
     * = mean wrong - mean correct. Samples: the options' K for a Monte Carlo estimator, else 1.
     */
    @Exercise("L10.3")
    static McResult summarise(Objective objective, Estimator estimator, McOptions options,
                              List<McItemScore> scores) {
        int correct = 0;
        int correctNormalized = 0;
        double nllCorrect = 0;
        double nllWrong = 0;
        for (McItemScore s : scores) {
            correct += s.predicted() == s.label() ? 1 : 0;
            correctNormalized += s.predictedNormalized() == s.label() ? 1 : 0;
            nllCorrect += s.nllCorrect();
            nllWrong += s.nllWrong();
        }
        int n = scores.size();
        return new McResult(objective.name(), estimator, estimator.monteCarlo() ? options.samples() : 1,
                (double) correct / n, (double) correctNormalized / n, nllCorrect / n, nllWrong / n,
                (nllWrong - nllCorrect) / n, scores);
    }

    /** Scores the endings of one item after another; mask draws come from one seeded stream. */
    private static final class EndingScorer {
        private final Transformer model;
        private final Tokenizer tokenizer;
        private final Estimator estimator;
        private final McOptions options;
        private final int maskId;
        private final int contextLength;
        private final Rng rng;

        EndingScorer(Transformer model, Objective objective, Tokenizer tokenizer, Estimator estimator,
                     McOptions options) {
            this.model = model;
            this.tokenizer = tokenizer;
            this.estimator = estimator;
            this.options = options;
            this.maskId = objective instanceof MaskedDiffusion diffusion ? diffusion.maskId() : -1;
            this.contextLength = model.config().contextLength();
            this.rng = new Rng(options.seed());
        }

        McItemScore score(MultipleChoice item) {
            int[] context = tokenizer.encode(item.context());
            if (estimator == Estimator.EXACT && context.length == 0) {
                context = new int[] {tokenizer.endOfTextId()};
            }
            // Both objectives see at most T tokens of context + ending (AR reads the first n-1 of them), so
            // that AR and diffusion score every ending given the same visible context.
            int minContext = estimator == Estimator.EXACT ? 1 : 0;
            List<int[]> endings = new ArrayList<>();
            for (int e = 0; e < item.endings().size(); e++) {
                int[] ending = tokenizer.encode(" " + item.endings().get(e));
                if (ending.length + minContext > contextLength) {
                    throw new IllegalArgumentException("item " + item.id() + " ending " + e + " has " + ending.length
                            + " tokens; with the model's context of " + contextLength + " nothing of it can be scored"
                            + " (at most " + (contextLength - minContext) + " ending tokens)");
                }
                endings.add(ending);
            }
            boolean exact = !estimator.monteCarlo();
            int shared = estimator == Estimator.CHAIN_RULE || exact && options.differencesOnly() ? sharedPrefix(endings) : 0;
            double sharedNll = 0;
            List<Double> nll = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            int dropped = 0;
            for (int[] ending : endings) {
                int keep = Math.min(context.length, contextLength - ending.length);
                dropped = Math.max(dropped, context.length - keep);
                int[] tokens = Arrays.copyOfRange(context, context.length - keep, context.length + ending.length);
                System.arraycopy(ending, 0, tokens, keep, ending.length);
                if (shared > 0 && nll.isEmpty() && !options.differencesOnly()) {
                    sharedNll = LikelihoodEvaluator.sum(SpanScorer.chainRule(model, maskId, tokens, keep, keep + shared));
                }
                nll.add(shared == ending.length ? sharedNll : sharedNll + endingNll(tokens, keep + shared));
                lengths.add(ending.length);
            }
            return new McItemScore(item.id(), item.label(), nll, lengths, argmin(nll, null), argmin(nll, lengths),
                    dropped);
        }

        /**
         * How many leading tokens all endings share, when they all have the same length (so the context is
         * cut the same way for each): the chain rule's terms for those positions are the same for every
         * ending (each sees only the tokens before it), so they are computed once. 0 otherwise.
         */
        private static int sharedPrefix(List<int[]> endings) {
            int[] first = endings.getFirst();
            int shared = first.length;
            for (int[] ending : endings) {
                if (ending.length != first.length) {
                    return 0;
                }
                int mismatch = Arrays.mismatch(ending, first);
                shared = Math.min(shared, mismatch < 0 ? first.length : mismatch);
            }
            return shared;
        }

        /** NLL of tokens[from..n) given tokens[0..from). */
        private double endingNll(int[] tokens, int from) {
            return switch (estimator) {
                case EXACT -> LikelihoodEvaluator.sum(SpanScorer.autoregressive(model, tokens, from));
                case CHAIN_RULE -> LikelihoodEvaluator.sum(SpanScorer.chainRule(model, maskId, tokens, from));
                case PAPER, LLADA, LLADA_EVAL, MDLM -> LikelihoodEvaluator.mean(SpanScorer.bound(model, maskId, tokens, from,
                        MaskDraw.draw(estimator, options.samples(), options.antithetic(), tokens.length - from, rng)));
            };
        }

        /** The index of the smallest nll (divided by the lengths when given); the first on ties. */
        private static int argmin(List<Double> nll, List<Integer> lengths) {
            int best = 0;
            for (int e = 1; e < nll.size(); e++) {
                double value = lengths == null ? nll.get(e) : nll.get(e) / lengths.get(e);
                double bestValue = lengths == null ? nll.get(best) : nll.get(best) / lengths.get(best);
                if (value < bestValue) {
                    best = e;
                }
            }
            return best;
        }
    }
}
