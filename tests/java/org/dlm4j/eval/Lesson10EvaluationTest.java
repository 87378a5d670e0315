package org.dlm4j.eval;

import java.util.List;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;
import org.dlm4j.objective.Autoregressive;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 10, evaluation: the exact NLL of an AR span and of a diffusion span by the chain rule
 * ({@link SpanScorer}), the summary of a multiple-choice evaluation with its delta NLL
 * ({@link MultipleChoiceEvaluator}), and the FLOPs of AR generation with a KV cache ({@link Flops}).
 * See lessons/10-evaluation.
 */
@LessonTest
@Tag("L10")
class Lesson10EvaluationTest {
    private static final int VOCAB = 9;
    private static final int MASK = 8;
    private static final int[] TOKENS = {3, 1, 4, 1, 5, 2};

    // ---- L10.1 the exact AR NLL ----

    @Test
    @Tag("L10.1")
    void eachTokenIsScoredByThePreviousPositionsLogitsInOnePass() {
        Transformer model = randomModel(true, 1);
        double[] nll = SpanScorer.autoregressive(model, TOKENS, 2);
        float[] logits = logits(model, java.util.Arrays.copyOf(TOKENS, TOKENS.length - 1));  // (1, n-1, V)
        double[] expected = new double[TOKENS.length - 2];
        for (int i = 2; i < TOKENS.length; i++) {
            expected[i - 2] = -SpanScorer.logProb(logits, (i - 1) * VOCAB, VOCAB, TOKENS[i]);
        }
        Expect.close("-log p(x_i | x_<i) for i = 2..5", toFloat(expected), toFloat(nll), 1e-5, 1e-5,
                "one causal pass over x_0..x_{n-2}; the logits at position i-1 predict token i");
    }

    // ---- L10.2 the chain rule ----

    @Test
    @Tag("L10.2")
    void rowIShowsThePrefixAndMasksEverythingFromItsPositionOn() {
        Transformer model = randomModel(false, 2);
        double[] nll = SpanScorer.chainRule(model, MASK, TOKENS, 1, 4);
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            int position = 1 + i;
            int[] row = TOKENS.clone();
            for (int j = position; j < row.length; j++) {
                row[j] = MASK;
            }
            expected[i] = -SpanScorer.logProb(logits(model, row), position * VOCAB, VOCAB, TOKENS[position]);
        }
        Expect.close("chain-rule terms for positions 1..3 of a 6-token sequence", toFloat(expected), toFloat(nll),
                1e-5, 1e-5, "row i shows x_<from+i and masks positions from+i .. n-1 (also those past 'to'); its"
                        + " logits at position from+i score the true token there");
    }

    @Test
    @Tag("L10.2")
    void anEmptySpanIsRefused() {
        Transformer model = randomModel(false, 3);
        Expect.refuses("chain rule over [3, 3)", () -> SpanScorer.chainRule(model, MASK, TOKENS, 3, 3),
                "a span [from, to) needs to > from and to <= n");
    }

    // ---- L10.3 multiple choice and delta NLL ----

    @Test
    @Tag("L10.3")
    void theSummaryCountsCorrectItemsAndMeasuresTheGapBetweenWrongAndCorrect() {
        List<McItemScore> scores = List.of(
                new McItemScore("s1-0", 0, List.of(2.0, 3.0, 5.0), List.of(2, 3, 5), 0, 0, 0),   // right both ways
                new McItemScore("s1-1", 1, List.of(4.0, 4.5, 6.0), List.of(1, 3, 2), 0, 1, 0),   // right per token
                new McItemScore("s2-0", 2, List.of(1.0, 2.0, 3.0), List.of(1, 1, 1), 0, 0, 0));  // wrong
        McResult result = MultipleChoiceEvaluator.summarise(new Autoregressive(ObjectiveOptions.NO_MASK, 0),
                Estimator.EXACT, McOptions.defaults(), scores);
        Expect.close("accuracy", 1.0 / 3, result.accuracy(), 1e-12, "predicted == label for 1 of 3 items");
        Expect.close("length-normalised accuracy", 2.0 / 3, result.normalizedAccuracy(), 1e-12,
                "predictedNormalized == label for 2 of 3 items");
        Expect.close("mean NLL of the correct endings", (2.0 + 4.5 + 3.0) / 3, result.meanNllCorrect(), 1e-12,
                "the NLL of ending 'label' of each item, averaged over items");
        Expect.close("mean NLL of the wrong endings", (4.0 + 5.0 + 1.5) / 3, result.meanNllWrong(), 1e-12,
                "per item the MEAN of its wrong endings' NLLs (McItemScore.nllWrong()), then averaged over items");
        Expect.close("delta NLL", (4.0 + 5.0 + 1.5 - 2.0 - 4.5 - 3.0) / 3, result.deltaNll(), 1e-12,
                "mean wrong minus mean correct: positive when the model prefers the correct endings");
        Expect.that(result.samples() == 1 && result.items().equals(scores), "samples " + result.samples()
                + " and the items should be 1 (an exact estimator) and the scores as given", null);
    }

    // ---- L10.4 the FLOPs of AR generation ----

    @Test
    @Tag("L10.4")
    void arGenerationCountsTheReadPositionsTheDrawnTokensAndTheCausalPairs() {
        TransformerConfig config = new TransformerConfig(5, 16, 4, 1, 2, 2, 0f, true, true, false,
                PositionEncoding.LEARNED);
        // C 4, 1 layer, MLP ratio 2, V 5: linear 1·(8 + 4·2)·16 = 256 per position, head 2·4·5 = 40 per token,
        // attention 4·C·L = 16 per (query, key) pair.
        Expect.close("FLOPs of 3 tokens after a prompt of 2", 4 * 256 + 3 * 40 + 16 * 10,
                Flops.arGeneration(config, 2, 3), 0, "n = max(P, 1) + G - 1 = 4 positions are read (the last drawn"
                        + " token never is), the head runs G = 3 times, and 4 causal positions make 4·5/2 = 10 pairs");
        Expect.close("FLOPs of 3 tokens without a prompt", 3 * 256 + 3 * 40 + 16 * 6, Flops.arGeneration(config, 0, 3),
                0, "an empty prompt starts from one end-of-text token: max(P, 1)");
        Expect.refuses("no tokens to generate", () -> Flops.arGeneration(config, 2, 0),
                "check the arguments first (checkGeneration)");
    }

    /** A small model with weights normal(0, 0.5²), so its logits depend strongly on the input. */
    private static Transformer randomModel(boolean causal, long seed) {
        Transformer model = new Transformer(new TransformerConfig(VOCAB, 8, 8, 1, 2, 2, 0f, causal, true, false,
                PositionEncoding.LEARNED), new Rng(seed));
        Rng rng = new Rng(seed + 100);
        for (Parameter p : model.parameters()) {
            float[] data = p.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextGaussian() * 0.5);
            }
        }
        return model;
    }

    private static float[] logits(Transformer model, int[] tokens) {
        try (var scope = Tensor.noGrad()) {
            return model.forward(tokens, 1, tokens.length, null).data();
        }
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
