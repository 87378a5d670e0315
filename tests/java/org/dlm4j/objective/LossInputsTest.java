package org.dlm4j.objective;

import static org.assertj.core.api.Assertions.assertThat;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link LossInputs} is what a device engine computes a loss from, so it must reproduce the CPU
 * objective exactly: the same draws from the same Rng (so the same seed gives the same masks), and
 * the same loss when the model reads its inputs. Padded positions of a cut diffusion batch weigh 0.
 */
class LossInputsTest {
    private static final int VOCAB = 20;
    private static final int MASK = 19;
    private static final int B = 3;
    private static final int T = 8;

    @Test
    void autoregressiveInputsGiveTheObjectivesLossAndLeaveTheRngWhereItDoes() {
        Autoregressive ar = new Autoregressive(MASK, 0.3);
        assertSameLossAndDraws(ar, model(true), 11);
    }

    @Test
    void diffusionInputsGiveTheObjectivesLossAlsoWhenTheBatchIsCut() {
        MaskedDiffusion diffusion = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0); // always cut
        for (long seed = 1; seed <= 5; seed++) {
            LossInputs inputs = assertSameLossAndDraws(diffusion, model(false), seed);
            for (int b = 0; b < B; b++) {
                for (int t = inputs.usedLength(); t < T; t++) {
                    assertThat(inputs.weights()[b * T + t]).as("padded position %d of row %d", t, b).isZero();
                }
            }
            assertThat(inputs.tokens()).isEqualTo((double) B * inputs.usedLength());
        }
    }

    @Test
    void evaluationInputsGiveTheObjectivesValidationNumber() {
        Transformer model = model(false);
        MaskedDiffusion diffusion = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0);
        int[] windows = windows(3);
        double cpu = diffusion.evaluate(model, windows, B, T, new Rng(7));
        LossInputs inputs = LossInputs.evaluation(diffusion, windows, B, T, new Rng(7));
        assertThat(inputs.usedLength()).isEqualTo(T);
        assertThat(inputs.dropoutSeeds()).isEmpty();
        assertThat(lossOf(model, inputs)).isEqualTo(cpu);
    }

    /** objective.loss and the model on the inputs' first L' positions agree bit for bit; so do the Rngs after. */
    private static LossInputs assertSameLossAndDraws(Objective objective, Transformer model, long seed) {
        int[] windows = windows(seed);
        Rng cpuRng = new Rng(seed);
        double cpu = objective.loss(model, windows, B, T, cpuRng).item();
        Rng deviceRng = new Rng(seed);
        LossInputs inputs = LossInputs.training(objective, model.config().numLayers(), windows, B, T, deviceRng);
        assertThat(deviceRng.state()).as("draws taken").isEqualTo(cpuRng.state());
        assertThat(inputs.dropoutSeeds()).hasSize(1 + 2 * model.config().numLayers());
        assertThat(lossOf(model, inputs)).isEqualTo(cpu);
        return inputs;
    }

    /** The weighted cross-entropy of the model on the first L' tokens of each row, as the CPU computes it. */
    private static double lossOf(Transformer model, LossInputs inputs) {
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

    private static Transformer model(boolean causal) {
        return new Transformer(new TransformerConfig(VOCAB, T, 16, 2, 2, 4, 0f, causal, true, false,
                PositionEncoding.ROPE), new Rng(42));
    }

    private static int[] windows(long seed) {
        Rng rng = new Rng(seed * 1000 + 1);
        int[] windows = new int[B * (T + 1)];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = rng.nextInt(MASK);
        }
        return windows;
    }
}
