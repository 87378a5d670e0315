package org.dlm4j.golden;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.kernels.AdamW;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.nn.Linear;
import org.dlm4j.nn.Parameter;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.train.AdamWOptimizer;
import org.dlm4j.train.LrSchedule;
import org.dlm4j.train.Trainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 6, training: the AdamW update ({@link AdamW}), global-norm clipping
 * ({@link AdamWOptimizer#clipGradNorm}), the cosine schedule ({@link LrSchedule.Cosine}), and one
 * optimization step ({@link Trainer#optimizationStep}); the capstone trains the golden model for ten
 * steps and must follow PyTorch's loss trajectory. See lessons/06-training.
 */
@LessonTest
@Tag("L06")
class Lesson06TrainingTest {
    private static final double LR = 1e-2;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.95;
    private static final double EPS = 1e-8;

    // ---- L06.1 AdamW ----

    @Test
    @Tag("L06.1")
    void adamWFollowsTheDefinitionForThreeSteps() {
        float[] p = {1f, -0.5f, 2f, 0f};
        float[] m = new float[4];
        float[] v = new float[4];
        double[] pd = {1, -0.5, 2, 0};
        double[] md = new double[4];
        double[] vd = new double[4];
        for (int t = 1; t <= 3; t++) {
            float[] g = {0.3f * t, -1f, 0.01f, 5f / t};
            AdamW.update(p, g, m, v, LR, BETA1, BETA2, EPS, 0.1, t);
            for (int i = 0; i < 4; i++) {
                pd[i] *= 1 - LR * 0.1;
                md[i] = BETA1 * md[i] + (1 - BETA1) * g[i];
                vd[i] = BETA2 * vd[i] + (1 - BETA2) * g[i] * g[i];
                double mHat = md[i] / (1 - Math.pow(BETA1, t));
                double vHat = vd[i] / (1 - Math.pow(BETA2, t));
                pd[i] -= LR * mHat / (Math.sqrt(vHat) + EPS);
            }
            Expect.close("parameters after step " + t, toFloat(pd), p, 1e-6, 1e-5,
                    "decay first (p *= 1 - lr*wd), then m and v, then p -= lr/(1-β1^t) * m / (sqrt(v)/sqrt(1-β2^t) + eps)");
            Expect.close("first moment after step " + t, toFloat(md), m, 1e-7, 1e-5, "m = β1 m + (1 - β1) g");
            Expect.close("second moment after step " + t, toFloat(vd), v, 1e-7, 1e-5, "v = β2 v + (1 - β2) g²");
        }
    }

    @Test
    @Tag("L06.1")
    void theFirstStepMovesEachWeightByAboutTheLearningRate() {
        float[] p = {0f, 0f};
        AdamW.update(p, new float[] {1e-3f, -50f}, new float[2], new float[2], LR, BETA1,
                BETA2, EPS, 0, 1);
        Expect.close("parameters after one step from 0 with gradients 1e-3 and -50", new float[] {(float) -LR,
                (float) LR}, p, 1e-6, 1e-4, "at t = 1, m/(1-β1) = g and sqrt(v/(1-β2)) = |g|: the step is lr·sign(g)"
                + " whatever the gradient's size; without the bias corrections it would be lr·0.1/sqrt(0.05)");
    }

    // ---- L06.2 clipping ----

    @Test
    @Tag("L06.2")
    void clippingScalesEveryGradientByOneFactor() {
        Linear layer = new Linear(2, 1, true, new Rng(1));
        setGradient(layer.weight(), 3f, 0f);
        setGradient(layer.bias(), 4f);
        AdamWOptimizer optimizer = new AdamWOptimizer(layer, BETA1, BETA2, EPS, 0);
        double norm = optimizer.clipGradNorm(1.0);
        Expect.close("returned norm (the norm before clipping) of gradients (3, 0) and (4)", 5.0, norm, 1e-6,
                "the global norm is sqrt of the sum of squares over ALL gradients, returned before clipping");
        float factor = (float) (1.0 / (5.0 + 1e-6));
        Expect.close("weight gradient after clipping to 1", new float[] {3f * factor, 0f}, layer.weight().grad(), 1e-6,
                1e-5, "every gradient is multiplied by maxNorm / (norm + 1e-6)");
        Expect.close("bias gradient after clipping to 1", new float[] {4f * factor}, layer.bias().grad(), 1e-6, 1e-5,
                "one factor for all parameters: the direction of the whole gradient stays the same");
    }

    @Test
    @Tag("L06.2")
    void gradientsBelowTheLimitOrWithClippingOffStayAsTheyAre() {
        Linear layer = new Linear(2, 1, false, new Rng(2));
        setGradient(layer.weight(), 0.3f, 0.4f);
        AdamWOptimizer optimizer = new AdamWOptimizer(layer, BETA1, BETA2, EPS, 0);
        Expect.close("norm of (0.3, 0.4) with limit 1", 0.5, optimizer.clipGradNorm(1.0), 1e-6, null);
        Expect.close("gradient under the limit", new float[] {0.3f, 0.4f}, layer.weight().grad(), 0, 0,
                "clip only when maxNorm / (norm + 1e-6) < 1");
        Expect.close("norm with clipping off (maxNorm 0)", 0.5, optimizer.clipGradNorm(0), 1e-6, null);
        Expect.close("gradient with clipping off", new float[] {0.3f, 0.4f}, layer.weight().grad(), 0, 0,
                "maxNorm <= 0 disables clipping; the norm is still returned");
    }

    // ---- L06.3 the cosine schedule ----

    @Test
    @Tag("L06.3")
    void cosineWarmsUpLinearlyThenFollowsHalfACosine() {
        LrSchedule schedule = LrSchedule.cosine(10, 110, 1e-3, 1e-4);
        Expect.close("lr at step 0 (warmup 10)", 1e-4, schedule.at(0), 1e-12,
                "warmup is peak·(step + 1)/warmup: the first step already learns a little");
        Expect.close("lr at step 9, the last warmup step", 1e-3, schedule.at(9), 1e-12,
                "step warmup-1 reaches the peak");
        Expect.close("lr at step 10, the start of the decay", 1e-3, schedule.at(10), 1e-12,
                "progress = (step - warmup)/(total - warmup) = 0 gives the peak");
        Expect.close("lr at step 60, halfway", 5.5e-4, schedule.at(60), 1e-12,
                "min + (peak - min)·½(1 + cos(π·progress)); at progress ½ that is the midpoint");
        Expect.close("lr at step 110 and after", 1e-4, schedule.at(110), 1e-12, "min from step total on");
        Expect.close("lr at step 1000", 1e-4, schedule.at(1000), 1e-12, "min from step total on");
    }

    // ---- L06.4 the step; the capstone: ten steps of the golden model ----

    @Test
    @Tag("L06.4")
    void aStepClipsThenUpdatesThenClearsTheGradients() {
        Linear layer = new Linear(2, 1, false, new Rng(3));
        Parameter w = layer.weight();
        float[] before = w.data().clone();
        Tensor x = Tensor.of(new float[] {30f, 40f}, 1, 2);
        Tensor loss = layer.forward(x).sum();                                       // d loss / dw = x: norm 50
        AdamWOptimizer optimizer = new AdamWOptimizer(layer, BETA1, BETA2, EPS, 0);
        double norm = Trainer.optimizationStep(loss, layer, optimizer, 1.0, LR);
        Expect.close("returned gradient norm", 50.0, norm, 1e-4, "back-propagate first, then clip: the norm is"
                + " that of the gradient before clipping");
        Expect.close("weights after one step", new float[] {before[0] - (float) LR, before[1] - (float) LR}, w.data(),
                1e-6, 1e-5, "after backward and clipping, take optimizer.step(lr): the first AdamW step moves each"
                        + " weight by lr");
        Expect.that(w.grad() == null, "the gradient must be cleared after the update",
                "call model.zeroGrad() after optimizer.step(lr), or the next step adds onto stale gradients");
    }

    @Test
    @Tag("L06.4")
    void tenStepsOfTheGoldenModelFollowPyTorchsLosses() {
        GoldenFile golden = GoldenFile.load("model");
        int batch = GoldenModel.meta(golden, "batch_size");
        int length = GoldenModel.meta(golden, "context_length");
        int[] windows = GoldenModel.integers(golden, "tokens");
        int[] inputs = GoldenModel.firstTokens(windows, batch, length);
        int[] targets = GoldenModel.lastTokens(windows, batch, length);
        Transformer model = GoldenModel.load(golden, true);
        var optimizer = new AdamWOptimizer(model, meta(golden, "adamw.beta1"), meta(golden, "adamw.beta2"),
                meta(golden, "adamw.eps"), meta(golden, "adamw.weight_decay"));
        int steps = Integer.parseInt(golden.metadata("trajectory.steps"));
        float[] losses = new float[steps];
        for (int step = 0; step < steps; step++) {
            Tensor loss = model.forward(inputs, batch, length, null).crossEntropy(targets);
            losses[step] = loss.item();
            Trainer.optimizationStep(loss, model, optimizer, 0, meta(golden, "adamw.lr"));
        }
        golden.assertClose("ar.trajectory", losses, 0, 1e-5, "HINT: the first loss matches but later ones drift:"
                + " check that every step clears the gradients and that AdamW's step count grows by one per step");
    }

    private static double meta(GoldenFile golden, String key) {
        return Double.parseDouble(golden.metadata(key));
    }

    /** Gives {@code p} the gradient {@code values}, as a backward pass would leave it. */
    private static void setGradient(Parameter p, float... values) {
        Tensor.of(values.clone(), values.length).mul(p.reshape(values.length)).sum().backward();
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
