package org.dlm4j.objective;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 8, the AR objective: {@link Autoregressive#shift}, {@link Autoregressive#loss} and
 * {@link Autoregressive#evaluate}, against the mean negative log-likelihood computed here in double from
 * the model's logits. See lessons/08-autoregressive.
 */
@LessonTest
@Tag("L08")
class Lesson08AutoregressiveTest {
    private static final int VOCAB = 11;
    private static final int MASK = 10;
    private static final int B = 2;
    private static final int T = 5;

    // ---- L08.1 shift ----

    @Test
    @Tag("L08.1")
    void inputsAreTheFirstTTokensAndTargetsTheLastT() {
        int[] windows = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2};                // (2, 6)
        Autoregressive.Batch batch = new Autoregressive(MASK, 0).shift(windows, B, T, 0, null);
        Expect.equal("inputs of windows [1..6] and [7, 8, 9, 0, 1, 2]", new int[] {1, 2, 3, 4, 5, 7, 8, 9, 0, 1},
                batch.inputs(), "row b of the windows starts at b·(T+1); the inputs are its first T tokens");
        Expect.equal("targets", new int[] {2, 3, 4, 5, 6, 8, 9, 0, 1, 2}, batch.targets(),
                "the target at position t is the token after the input at t: the window's tokens 1..T");
    }

    @Test
    @Tag("L08.1")
    void inputMaskingReplacesInputsButNeverTargets() {
        int[] windows = ObjectiveTestData.uniformTokens(B * (T + 1), MASK, 3);
        Autoregressive.Batch batch = new Autoregressive(MASK, 0.5).shift(windows, B, T, 0.5, new Rng(7));
        Rng draws = new Rng(7);
        int[] expected = new int[B * T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                expected[b * T + t] = windows[b * (T + 1) + t];
            }
        }
        for (int i = 0; i < expected.length; i++) {
            if (draws.nextDouble() < 0.5) {
                expected[i] = MASK;
            }
        }
        Expect.equal("inputs with input masking 0.5, Rng(7)", expected, batch.inputs(), "after shifting, one"
                + " rng.nextDouble() per input token, row by row: below the ratio means the mask id");
        Expect.equal("targets with input masking", new Autoregressive(MASK, 0).shift(windows, B, T, 0, null).targets(),
                batch.targets(), "targets stay the clean tokens: the model must still predict the real next token");
    }

    // ---- L08.2 loss ----

    @Test
    @Tag("L08.2")
    void theLossIsTheMeanNextTokenNegativeLogLikelihood() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, T, true, 0f, 5);
        int[] windows = ObjectiveTestData.uniformTokens(B * (T + 1), MASK, 6);
        Loss loss = new Autoregressive(MASK, 0).loss(model, windows, B, T, new Rng(1));
        Expect.close("AR loss", meanNll(model, windows, null), loss.item(), 1e-5,
                "mean over all B·T positions of -log softmax(logits)[target], the logits of the shifted inputs");
        Expect.close("tokens counted by the loss", B * T, loss.tokens(), 0, "a batch of B windows has B·T targets");
        Expect.that(loss.value().requiresGrad(), "the loss has no graph: backward() could not train the model",
                "build it from the model's forward pass with tensor ops (crossEntropy), not from numbers");
    }

    @Test
    @Tag("L08.2")
    void theLossFeedsTheModelTheMaskedInputs() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, T, true, 0f, 8);
        int[] windows = ObjectiveTestData.uniformTokens(B * (T + 1), MASK, 9);
        Autoregressive objective = new Autoregressive(MASK, 0.4);
        Loss loss = objective.loss(model, windows, B, T, new Rng(2));
        Autoregressive.Batch masked = objective.shift(windows, B, T, 0.4, new Rng(2));
        Expect.close("AR loss with input masking 0.4", meanNll(model, masked.inputs(), masked.targets()), loss.item(),
                1e-5, "shift with the objective's own ratio, drawing from the rng you were given, before the forward");
    }

    // ---- L08.3 evaluate ----

    @Test
    @Tag("L08.3")
    void evaluationIsTheExactNllWithoutDropoutAndRestoresTheMode() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, T, true, 0.5f, 10);
        int[] windows = ObjectiveTestData.uniformTokens(B * (T + 1), MASK, 11);
        model.train(false);
        double expected = meanNll(model, windows, null);
        model.train(true);
        double value = new Autoregressive(MASK, 0.3).evaluate(model, windows, B, T, new Rng(3));
        Expect.close("AR validation NLL of a model with dropout 0.5", expected, value, 1e-5,
                "evaluate in evaluation mode (model.train(false): no dropout) and without input masking");
        Expect.that(model.isTraining(), "the model was left in evaluation mode",
                "remember model.isTraining() and restore it in a finally block");
    }

    /** Mean -log p(target | inputs) in double; {@code targets} null means: shift the windows. */
    private static double meanNll(Transformer model, int[] windowsOrInputs, int[] targets) {
        int[] inputs = windowsOrInputs;
        int[] wanted = targets;
        if (targets == null) {
            inputs = new int[B * T];
            wanted = new int[B * T];
            for (int b = 0; b < B; b++) {
                System.arraycopy(windowsOrInputs, b * (T + 1), inputs, b * T, T);
                System.arraycopy(windowsOrInputs, b * (T + 1) + 1, wanted, b * T, T);
            }
        }
        float[] logits;
        try (var scope = Tensor.noGrad()) {
            logits = model.forward(inputs, B, T, null).data();
        }
        double sum = 0;
        for (int i = 0; i < wanted.length; i++) {
            sum += ObjectiveTestData.crossEntropy(logits, i, VOCAB, wanted[i]);
        }
        return sum / wanted.length;
    }
}
