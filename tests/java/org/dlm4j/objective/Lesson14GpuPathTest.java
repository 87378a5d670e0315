package org.dlm4j.objective;

import org.dlm4j.device.TokenPositions;
import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.kernels.Embedding;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 14, the GPU path: what the host prepares so that a device computes the CPU's step. The grouped
 * positions that make the embedding gradient a gather ({@link TokenPositions#group}), with the CPU's
 * bits; and the batch a device engine reads ({@link LossInputs#training}), drawn from the same Rng in the
 * objective's order, so the same seed gives the same masks and the same loss. See lessons/14-gpu.
 */
@LessonTest
@Tag("L14")
class Lesson14GpuPathTest {
    static final int VOCAB = 20;
    static final int MASK = 19;
    static final int B = 3;
    static final int T = 8;

    // ---- L14.1 grouping the positions by token ----

    @Test
    @Tag("L14.1")
    void positionsAreGroupedByTokenAscendingWithTheirStarts() {
        int[] ids = {3, 0, 3, 1, 0, 3, 4};
        int[] rowStart = {9, 9, 9, 9, 9, 9};                   // stale values must be overwritten
        int[] positions = new int[ids.length];
        TokenPositions.group(ids, 5, rowStart, positions);
        Expect.equal("rowStart for ids {3, 0, 3, 1, 0, 3, 4}, V = 5", new int[] {0, 2, 3, 3, 6, 7}, rowStart,
                "rowStart[v+1] - rowStart[v] is how often v occurs (token 2 never does: an empty group);"
                        + " start from zeros, count into rowStart[id + 1], then add up");
        Expect.equal("positions grouped by token", new int[] {1, 4, 3, 0, 2, 5, 6}, positions,
                "token 0 sits at 1 and 4, token 1 at 3, token 3 at 0, 2 and 5, token 4 at 6: ascending n within a"
                        + " group, so place the positions in the order n = 0, 1, 2, ...");
    }

    @Test
    @Tag("L14.1")
    void gatheringEachTokensRowsGivesTheScatterAddsBits() {
        int vocab = 11;
        int channels = 7;
        Rng rng = new Rng(5);
        int[] ids = new int[40];
        for (int n = 0; n < ids.length; n++) {
            ids[n] = rng.nextInt(vocab - 2);                    // the last two tokens never occur
        }
        float[] dOut = gaussian(6, ids.length * channels);
        float[] scatter = gaussian(7, vocab * channels);
        float[] gather = scatter.clone();
        Embedding.backward(dOut, ids, scatter, ids.length, channels);   // the CPU: dW[ids[n]] += dOut[n]
        int[] rowStart = new int[vocab + 1];
        int[] positions = new int[ids.length];
        TokenPositions.group(ids, vocab, rowStart, positions);
        for (int v = 0; v < vocab; v++) {                       // a device: one work item per (v, c)
            for (int c = 0; c < channels; c++) {
                float sum = gather[v * channels + c];
                for (int k = rowStart[v]; k < rowStart[v + 1]; k++) {
                    sum += dOut[positions[k] * channels + c];
                }
                gather[v * channels + c] = sum;
            }
        }
        Expect.close("the embedding gradient gathered through your groups", scatter, gather, 0, 0,
                "bit for bit only when every position of a token is in its group once, in ascending n", vocab,
                channels);
    }

    // ---- L14.2 the device's batch ----

    @Test
    @Tag("L14.2")
    void autoregressiveInputsGiveTheObjectivesLossAndLeaveTheRngWhereItDoes() {
        assertSameLossAndDraws(new Autoregressive(MASK, 0.3), model(true), 11);
    }

    @Test
    @Tag("L14.2")
    void diffusionInputsGiveTheObjectivesLossAlsoWhenTheBatchIsCut() {
        MaskedDiffusion diffusion = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0); // always cut
        for (long seed = 1; seed <= 5; seed++) {
            LossInputs inputs = assertSameLossAndDraws(diffusion, model(false), seed);
            for (int b = 0; b < B; b++) {
                for (int t = inputs.usedLength(); t < T; t++) {
                    Expect.that(inputs.weights()[b * T + t] == 0, "padded position " + t + " of row " + b
                            + " weighs " + inputs.weights()[b * T + t], "positions past the cut length count for"
                            + " nothing");
                }
            }
            Expect.close("tokens counted", (double) B * inputs.usedLength(), inputs.tokens(), 0,
                    "a cut batch counts B * L' tokens");
        }
    }

    /** objective.loss and the model on the inputs' first L' positions agree bit for bit; so do the Rngs after. */
    private static LossInputs assertSameLossAndDraws(Objective objective, Transformer model, long seed) {
        int[] windows = windows(seed);
        Rng cpuRng = new Rng(seed);
        double cpu = objective.loss(model, windows, B, T, cpuRng).item();
        Rng deviceRng = new Rng(seed);
        LossInputs inputs = LossInputs.training(objective, model.config().numLayers(), windows, B, T, deviceRng);
        Expect.that(deviceRng.state() == cpuRng.state(), objective.name() + ": the Rng is not where the objective"
                + " leaves it", "draw exactly what objective.loss draws, in its order, then 1 + 2 * numLayers"
                + " dropout seeds: one draw too many or too few moves every later mask");
        Expect.that(inputs.dropoutSeeds().length == 1 + 2 * model.config().numLayers(), "expected "
                + (1 + 2 * model.config().numLayers()) + " dropout seeds, got " + inputs.dropoutSeeds().length,
                "one for the embedding, then attention and MLP of each block");
        Expect.close(objective.name() + " loss from the inputs", cpu, lossOf(model, inputs), 0,
                "the same draws give the same masks, and so the same loss to the last bit");
        return inputs;
    }

    /** The weighted cross-entropy of the model on the first L' tokens of each row, as the CPU computes it. */
    static double lossOf(Transformer model, LossInputs inputs) {
        int used = inputs.usedLength();
        int[] tokens = new int[B * used];
        int[] targets = new int[B * used];
        float[] weights = new float[B * used];
        for (int b = 0; b < B; b++) {
            System.arraycopy(inputs.inputs(), b * T, tokens, b * used, used);
            System.arraycopy(inputs.targets(), b * T, targets, b * used, used);
            System.arraycopy(inputs.weights(), b * T, weights, b * used, used);
        }
        try (var scope = Tensor.noGrad()) {
            Tensor logits = model.forward(tokens, B, used, null);
            return logits.crossEntropy(targets, weights, inputs.normaliser()).item();
        }
    }

    private static float[] gaussian(long seed, int n) {
        Rng rng = new Rng(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return values;
    }

    static Transformer model(boolean causal) {
        return new Transformer(new TransformerConfig(VOCAB, T, 16, 2, 2, 4, 0f, causal, true, false,
                PositionEncoding.ROPE), new Rng(42));
    }

    static int[] windows(long seed) {
        Rng rng = new Rng(seed * 1000 + 1);
        int[] windows = new int[B * (T + 1)];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = rng.nextInt(MASK);
        }
        return windows;
    }
}
