package org.dlm4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.Tokenizer;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.objective.Objectives;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MultipleChoiceEvaluatorTest {
    private static final Tokenizer BYTES = new ByteTokenizer();
    private static final int V = BYTES.vocabSize();
    private static final Objective AR = Objectives.create("ar", ObjectiveOptions.defaults(BYTES.maskId()));
    private static final Objective DIFFUSION = Objectives.create("diffusion", ObjectiveOptions.defaults(BYTES.maskId()));

    /** Fixed logits that strongly prefer 'a', then ' ', over every other byte; the mask id is never predicted. */
    private static float[] preferA() {
        float[] logits = new float[V];
        logits['a'] = 3f;
        logits[' '] = 1f;
        logits[BYTES.maskId()] = -100f;
        return logits;
    }

    private static final double[] P = FixedDistributionModel.probabilities(preferA());

    /** Items whose correct ending is the one made of the most likely bytes (all endings the same length). */
    private static final List<MultipleChoice> ITEMS = List.of(
            new MultipleChoice("one", "xyz", List.of("aaa", "bqb", "zzz"), 0),
            new MultipleChoice("two", "q", List.of("zzzz", "qqqq", "aaaa", "qaqa"), 2),
            new MultipleChoice("three", "", List.of("bbb", "aab"), 1));

    /** sum of -log p over the bytes of " " + ending. */
    private static double fixedNll(String ending) {
        double total = 0;
        for (int id : BYTES.encode(" " + ending)) {
            total -= Math.log(P[id]);
        }
        return total;
    }

    private static void assertPerfect(McResult result) {
        assertThat(result.size()).isEqualTo(ITEMS.size());
        assertThat(result.accuracy()).isEqualTo(1.0);
        assertThat(result.normalizedAccuracy()).isEqualTo(1.0);
        assertThat(result.deltaNll()).isPositive();
        assertThat(result.deltaNll()).isCloseTo(result.meanNllWrong() - result.meanNllCorrect(), within(1e-12));
    }

    /** The exact gap: mean over items of (mean wrong NLL - correct NLL) from p directly. */
    private static double expectedGap() {
        double gap = 0;
        for (MultipleChoice item : ITEMS) {
            double wrong = 0;
            for (int e = 0; e < item.endings().size(); e++) {
                if (e != item.label()) {
                    wrong += fixedNll(item.endings().get(e));
                }
            }
            gap += wrong / (item.endings().size() - 1) - fixedNll(item.endings().get(item.label()));
        }
        return gap / ITEMS.size();
    }

    @Test
    void arFixedModelGetsEveryItemRightWithTheExactGap() {
        Transformer model = FixedDistributionModel.of(preferA(), 16, true);
        McResult result = MultipleChoiceEvaluator.evaluate(model, AR, ITEMS, BYTES, McOptions.defaults());
        assertPerfect(result);
        assertThat(result.estimator()).isEqualTo(Estimator.EXACT);
        assertThat(result.deltaNll()).isCloseTo(expectedGap(), within(1e-5));
        assertThat(result.items().get(1).nll().get(2)).isCloseTo(fixedNll("aaaa"), within(1e-5));
        assertThat(result.items().get(1).endingTokens()).containsExactly(5, 5, 5, 5);
    }

    @Test
    void diffusionChainRuleIsExactAndTheBoundAgreesInExpectation() {
        Transformer model = FixedDistributionModel.of(preferA(), 16, false);
        McResult chain = MultipleChoiceEvaluator.evaluate(model, DIFFUSION, ITEMS, BYTES,
                McOptions.defaults().withEstimator(Estimator.CHAIN_RULE));
        assertPerfect(chain);
        assertThat(chain.deltaNll()).isCloseTo(expectedGap(), within(1e-5));

        McResult bound = MultipleChoiceEvaluator.evaluate(model, DIFFUSION, ITEMS, BYTES,
                McOptions.defaults().withEstimator(Estimator.LLADA_EVAL).withSamples(64));
        assertPerfect(bound);
        assertThat(bound.samples()).isEqualTo(64);
        assertThat(bound.deltaNll()).isCloseTo(expectedGap(), within(0.15 * expectedGap()));
    }

    @Test
    void lengthNormalisationIsPerToken() {
        Transformer model = FixedDistributionModel.of(preferA(), 16, true);
        // " bb" (3 tokens) has the lower total NLL, " aa a" (5 tokens) the lower NLL per token
        var item = new MultipleChoice("norm", "x", List.of("bb", "aa a"), 1);
        assertThat(fixedNll("bb")).isLessThan(fixedNll("aa a"));
        McResult result = MultipleChoiceEvaluator.evaluate(model, AR, List.of(item), BYTES, McOptions.defaults());
        assertThat(result.accuracy()).isZero();
        assertThat(result.normalizedAccuracy()).isEqualTo(1.0);
        assertThat(result.items().getFirst().predicted()).isZero();
        assertThat(result.items().getFirst().predictedNormalized()).isEqualTo(1);
    }

    /** -sum log softmax over the ending positions, straight from the model's logits with tensor ops. */
    private static double directArNll(Transformer model, int[] tokens, int from) {
        int n = tokens.length;
        int[] inputs = Arrays.copyOf(tokens, n - 1);
        Tensor logProbs = model.forward(inputs, 1, n - 1, null).logSoftmax();    // (1, n-1, V)
        double total = 0;
        for (int i = from; i < n; i++) {
            total -= logProbs.data()[(i - 1) * V + tokens[i]];
        }
        return total;
    }

    @Test
    void arSumOfLogProbabilitiesMatchesADirectComputationAndTruncatesFromTheLeft() {
        var model = new Transformer(new TransformerConfig(V, 16, 16, 2, 2, 2, 0f, true, true, false,
                PositionEncoding.LEARNED), new Rng(5));
        model.train(false);
        var shortItem = new MultipleChoice("short", "Hi there", List.of("friend", "foe"), 0);
        var longItem = new MultipleChoice("long", "A rather long context that cannot fit", List.of("end", "stop"), 1);
        McResult result = MultipleChoiceEvaluator.evaluate(model, AR, List.of(shortItem, longItem), BYTES,
                McOptions.defaults());

        int[] context = BYTES.encode("Hi there");
        int[] ending = BYTES.encode(" friend");
        int[] tokens = concat(context, ending);
        assertThat(result.items().get(0).nll().get(0)).isCloseTo(directArNll(model, tokens, context.length),
                within(1e-4));
        assertThat(result.items().get(0).contextTokensDropped()).isZero();

        // context + ending = 38 + 5 > T = 16 (the same budget as a diffusion model's, so both see the same
        // context): keep the last 11 context tokens and the whole ending
        int[] longContext = BYTES.encode(longItem.context());
        int[] stop = BYTES.encode(" stop");
        int keep = 16 - stop.length;
        int[] kept = concat(Arrays.copyOfRange(longContext, longContext.length - keep, longContext.length), stop);
        assertThat(result.items().get(1).nll().get(1)).isCloseTo(directArNll(model, kept, keep), within(1e-4));
        assertThat(result.items().get(1).contextTokensDropped()).isEqualTo(longContext.length - keep); // the most any ending needed
    }

    /** Place items: the endings share " Now Mia was in the " and differ in the last five bytes. */
    private static final List<MultipleChoice> PLACE_ITEMS = List.of(
            new MultipleChoice("s1-0", "Mia ran to the barn. Tom went to the park.",
                    List.of("Now Mia was in the park.", "Now Mia was in the barn.", "Now Mia was in the cave."), 1),
            new MultipleChoice("s1-1", "Tom went to the park. Mia ran to the cave.",
                    List.of("Now Mia was in the park.", "Now Mia was in the barn.", "Now Mia was in the cave."), 2));

    private static Transformer randomModel(boolean causal) {
        return new Transformer(new TransformerConfig(V, 96, 16, 1, 2, 2, 0f, causal, true, false,
                PositionEncoding.ROPE), new Rng(9));
    }

    @Test
    void chainRuleWithASharedPrefixEqualsScoringEveryEndingWhole() {
        Transformer model = randomModel(false);
        McResult result = MultipleChoiceEvaluator.evaluate(model, DIFFUSION, PLACE_ITEMS, BYTES,
                McOptions.defaults().withEstimator(Estimator.CHAIN_RULE));
        for (int i = 0; i < PLACE_ITEMS.size(); i++) {
            MultipleChoice item = PLACE_ITEMS.get(i);
            int[] context = BYTES.encode(item.context());
            for (int e = 0; e < item.endings().size(); e++) {
                int[] tokens = concat(context, BYTES.encode(" " + item.endings().get(e)));
                double whole = LikelihoodEvaluator.sum(SpanScorer.chainRule(model, BYTES.maskId(), tokens,
                        context.length));
                assertThat(result.items().get(i).nll().get(e)).isCloseTo(whole, within(1e-4));
            }
        }
    }

    @Test
    void differencesOnlyKeepsAccuracyAndDeltaNllAndDropsTheSharedTokens() {
        for (boolean causal : new boolean[] {true, false}) {
            Transformer model = randomModel(causal);
            Objective objective = causal ? AR : DIFFUSION;
            McOptions options = McOptions.defaults().withEstimator(causal ? null : Estimator.CHAIN_RULE);
            McResult whole = MultipleChoiceEvaluator.evaluate(model, objective, PLACE_ITEMS, BYTES, options);
            McResult differences = MultipleChoiceEvaluator.evaluate(model, objective, PLACE_ITEMS, BYTES,
                    options.withDifferencesOnly(true));
            assertThat(differences.accuracy()).isEqualTo(whole.accuracy());
            assertThat(differences.deltaNll()).as("causal " + causal).isCloseTo(whole.deltaNll(), within(1e-4));
            assertThat(differences.meanNllCorrect()).isLessThan(whole.meanNllCorrect() - 1); // 20 shared bytes left out
        }
    }

    @Test
    void anEndingThatCannotFitIsAnErrorNamingTheItem() {
        Transformer model = FixedDistributionModel.of(preferA(), 8, false);
        var item = new MultipleChoice("too-long", "ctx", List.of("short", "an ending far longer than eight"), 0);
        assertThatThrownBy(() -> MultipleChoiceEvaluator.evaluate(model, DIFFUSION, List.of(item), BYTES,
                McOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item too-long ending 1 has 32 tokens")
                .hasMessageContaining("at most 8 ending tokens");
    }

    @Test
    void estimatorMustSuitTheObjective() {
        Transformer model = FixedDistributionModel.of(preferA(), 16, true);
        assertThatThrownBy(() -> MultipleChoiceEvaluator.evaluate(model, AR, ITEMS, BYTES,
                McOptions.defaults().withEstimator(Estimator.CHAIN_RULE)))
                .hasMessageContaining("AR checkpoint already has an exact NLL");
        assertThatThrownBy(() -> McOptions.defaults().withSamples(0)).hasMessageContaining("must be positive");
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
