package org.dlm4j.objective;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 9, the masked-diffusion objective: the noise levels, the masks and the weights of every
 * {@link DiffusionVariant}, and the weighted loss of {@link MaskedDiffusion}, each against its
 * definition (the documented draw order, computed here). See lessons/09-masked-diffusion.
 */
@LessonTest
@Tag("L09")
class Lesson09MaskedDiffusionTest {
    private static final int VOCAB = 11;
    private static final int MASK = 10;
    private static final double EPS = MaskedDiffusion.NOISE_EPS;

    // ---- L09.1 noise levels ----

    @Test
    @Tag("L09.1")
    void independentLevelsAreOneUniformDrawPerRow() {
        double[] t = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0).drawNoiseLevels(4, new Rng(3));
        Rng draws = new Rng(3);
        double[] expected = {draws.nextDouble(), draws.nextDouble(), draws.nextDouble(), draws.nextDouble()};
        Expect.close("independent levels, Rng(3)", toFloat(expected), toFloat(t), 0, 0,
                "one rng.nextDouble() per row, rows in order");
    }

    @Test
    @Tag("L09.1")
    void stratifiedLevelsPutOneLevelInEachStratum() {
        double[] t = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, true, 0).drawNoiseLevels(4, new Rng(5));
        double u = new Rng(5).nextDouble();
        Expect.close("stratified levels, Rng(5)", toFloat(new double[] {u / 4, (1 + u) / 4, (2 + u) / 4, (3 + u) / 4}),
                toFloat(t), 0, 0, "ONE u for the whole batch, then t_b = (b + u) / B: exactly one level in each"
                        + " [b/B, (b+1)/B)");
    }

    // ---- L09.2 masks ----

    @Test
    @Tag("L09.2")
    void thePapersMaskUsesEachRowsLevelAndForcesOneMaskInAnEmptyRow() {
        int b = 6;
        int l = 4;
        MaskSample sample = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0).drawMask(b, l, new Rng(9));
        Rng draws = new Rng(9);
        double[] t = new double[b];
        for (int row = 0; row < b; row++) {
            t[row] = draws.nextDouble();
        }
        boolean[] expected = new boolean[b * l];
        int forced = 0;
        for (int row = 0; row < b; row++) {
            int count = 0;
            for (int i = 0; i < l; i++) {
                expected[row * l + i] = draws.nextDouble() < t[row];
                count += expected[row * l + i] ? 1 : 0;
            }
            if (count == 0) {
                expected[row * l + draws.nextInt(l)] = true;
                forced++;
            }
        }
        Expect.that(forced > 0, "this test's seed must produce a row that needs a forced mask", null);
        Expect.equal("paper masks of 6 rows of 4, Rng(9)", ints(expected), ints(sample.masked()),
                "the B levels first, then per row L draws (masked when u < t_b); a row that came out empty gets"
                        + " one mask at rng.nextInt(L)");
    }

    @Test
    @Tag("L09.2")
    void lladaMasksWithTheShiftedLevelAndLladaEvalMasksAnExactCount() {
        int b = 5;
        int l = 8;
        MaskSample llada = new MaskedDiffusion(MASK, DiffusionVariant.LLADA, false, 0).drawMask(b, l, new Rng(4));
        Rng draws = new Rng(4);
        double[] p = new double[b];
        for (int row = 0; row < b; row++) {
            p[row] = (1 - EPS) * draws.nextDouble() + EPS;
        }
        boolean[] expected = new boolean[b * l];
        for (int i = 0; i < b * l; i++) {
            expected[i] = draws.nextDouble() < p[i / l];
        }
        Expect.equal("llada masks, Rng(4)", ints(expected), ints(llada.masked()),
                "llada masks each token with p_b = (1 - eps) t_b + eps and forces nothing");
        Expect.close("llada noise levels", toFloat(p), toFloat(llada.noiseLevels()), 0, 0,
                "the row's level is p_b, the probability it was masked with (its weight is 1/p_b)");

        MaskSample exact = new MaskedDiffusion(MASK, DiffusionVariant.LLADA_EVAL, false, 0).drawMask(b, l, new Rng(6));
        Rng levels = new Rng(6);
        for (int row = 0; row < b; row++) {
            int count = Math.min(l, 1 + (int) (levels.nextDouble() * l));
            Expect.that(exact.maskedCount(row) == count, "llada-eval row " + row + " has " + exact.maskedCount(row)
                    + " masks, expected l_b = " + count, "l_b = min(L, 1 + floor(t_b L)): uniform in 1..L; mask"
                    + " exactly that many positions with maskExactly");
            Expect.close("llada-eval level of row " + row, (double) count / l, exact.noiseLevels()[row], 0,
                    "the row's level becomes l_b / L");
        }
    }

    // ---- L09.3 weights ----

    @Test
    @Tag("L09.3")
    void everyVariantWeighsTheSameMaskItsOwnWay() {
        boolean[] masked = {true, false, false, false, true, true, true, false, false, false, false, false};  // (3, 4)
        double[] levels = {0.5, 0.25, 0.8};
        expectWeights(DiffusionVariant.PAPER, masked, null, new float[] {4f, 4f / 3, 0f}, 12,
                "paper weighs a row by L / m_b, the realised fraction; a row without masks gets 0");
        expectWeights(DiffusionVariant.LLADA_EVAL, masked, null, new float[] {4f, 4f / 3, 0f}, 12,
                "llada-eval weighs by L / l_b, the exact count");
        expectWeights(DiffusionVariant.LLADA, masked, levels, new float[] {2f, 4f, 1.25f}, 12,
                "llada weighs by 1 / p_b, the probability the row was masked with");
        expectWeights(DiffusionVariant.MDLM, masked, levels, new float[] {2f, 4f, 1.25f}, 12, "mdlm weighs by 1 / t_b");
        expectWeights(DiffusionVariant.MASKED_MEAN, masked, null, new float[] {1f, 1f, 1f}, 4,
                "the masked mean weighs every masked token 1 and divides by the 4 masked tokens, not by B·L");
    }

    @Test
    @Tag("L09.3")
    void variantsThatWeighByTheirLevelNeedTheLevels() {
        Expect.refuses("llada weights without noise levels", () -> new MaskedDiffusion(MASK, DiffusionVariant.LLADA,
                false, 0).weigh(new boolean[4], null, 1, 4), "1/p_b cannot be computed from the mask alone");
        Expect.refuses("a mask of 5 entries for B = 1, L = 4", () -> new MaskedDiffusion(MASK, DiffusionVariant.PAPER,
                false, 0).weigh(new boolean[5], null, 1, 4), "check that the mask has B·L entries");
    }

    // ---- L09.4 the loss ----

    @Test
    @Tag("L09.4")
    void theLossIsTheWeightedCrossEntropyOfTheMaskedTokensOverN() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, 6, false, 0f, 12);
        int[] x0 = ObjectiveTestData.uniformTokens(2 * 6, MASK, 13);                       // (2, 6)
        boolean[] masked = {true, false, true, false, false, true, false, true, false, false, false, false};
        var sample = new MaskSample(2, 6, masked, new double[] {0.5, 1 / 6.0}, new float[] {2f, 6f}, 12);
        Loss loss = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0).loss(model, x0, sample, null);

        int[] noisy = x0.clone();
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = masked[i] ? MASK : noisy[i];
        }
        float[] logits;
        try (var scope = Tensor.noGrad()) {
            logits = model.forward(noisy, 2, 6, null).data();
        }
        double expected = 0;
        for (int i = 0; i < x0.length; i++) {
            if (masked[i]) {
                expected += sample.rowWeights()[i / 6] * ObjectiveTestData.crossEntropy(logits, i, VOCAB, x0[i]);
            }
        }
        Expect.close("diffusion loss of a fixed mask", expected / 12, loss.item(), 1e-5, "the model reads x_t (masked"
                + " positions set to the mask id) and is scored on the CLEAN tokens at the masked positions only, each"
                + " weighted by its row's w_b, the sum divided by N");
        Expect.close("tokens counted", 12, loss.tokens(), 0, "B·L tokens");
        Expect.that(loss.value().requiresGrad(), "the loss has no graph", "use logits.crossEntropy(x0, weights, N)");
    }

    private static void expectWeights(DiffusionVariant variant, boolean[] masked, double[] levels, float[] weights,
                                      double normaliser, String hint) {
        MaskSample sample = new MaskedDiffusion(MASK, variant, false, 0).weigh(masked, levels, 3, 4);
        Expect.close(variant.label() + " row weights", weights, sample.rowWeights(), 1e-6, 1e-6, hint);
        Expect.close(variant.label() + " normaliser", normaliser, sample.normaliser(), 0, hint);
    }

    private static int[] ints(boolean[] masked) {
        int[] values = new int[masked.length];
        for (int i = 0; i < masked.length; i++) {
            values[i] = masked[i] ? 1 : 0;
        }
        return values;
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
