package org.dlm4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dlm4j.device.OptimizerSettings;
import org.dlm4j.device.OptimizerState;
import org.dlm4j.device.StepOutcome;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;
import org.dlm4j.objective.Autoregressive;
import org.dlm4j.objective.DiffusionVariant;
import org.dlm4j.objective.LossInputs;
import org.dlm4j.objective.MaskedDiffusion;
import org.dlm4j.objective.Objective;
import org.dlm4j.train.AdamWOptimizer;
import org.dlm4j.train.Seeds;
import org.dlm4j.train.Trainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole device step against the CPU's autograd step, for both objectives: from the same weights
 * and batch the same loss and every parameter's gradient (relative error at most 1e-4 per tensor), and
 * from the same start a 50-step AdamW trajectory with the same losses (1e-3 relative) and weights that
 * come back within 1e-3 of the CPU's, the masks drawn on the host from the same seeds; and a step with
 * a NaN loss changes nothing. The models cover rotary and learned positions, tied and untied
 * heads, dropout, and diffusion batches cut to a random length.
 */
class TrainingStepTest {
    private static final int VOCAB = 258;
    private static final int MASK = 257;
    private static final OptimizerSettings ADAMW = new OptimizerSettings(0.9, 0.95, 1e-8, 0.1, 1.0);

    @BeforeEach
    void device() {
        DeviceTestSupport.assumeDevice();
    }

    @Test
    void oneArStepGivesTheCpusLossAndGradients() {
        TransformerConfig tiny = TransformerConfig.preset("tiny", VOCAB);
        assertOneStepMatches(tiny, new Autoregressive(MASK, 0.0), 4);
    }

    @Test
    void oneDiffusionStepGivesTheCpusLossAndGradients() {
        TransformerConfig tiny = TransformerConfig.preset("tiny", VOCAB).withCausal(false);
        assertOneStepMatches(tiny, new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0.0), 4);
    }

    @Test
    void learnedPositionsTiedHeadDropoutInputMaskingAndCutBatchesToo() {
        TransformerConfig learned = new TransformerConfig(VOCAB, 32, 48, 2, 3, 4, 0.1f, true, true, true,
                PositionEncoding.LEARNED);
        assertOneStepMatches(learned, new Autoregressive(MASK, 0.2), 3);
        MaskedDiffusion alwaysCut = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0);
        assertOneStepMatches(learned.withCausal(false).withDropout(0f), alwaysCut, 3);
    }

    @Test
    void referenceModelStepMatches() {
        TransformerConfig reference = TransformerConfig.preset("reference", VOCAB);
        assertOneStepMatches(reference, new Autoregressive(MASK, 0.0), 2);
    }

    @Test
    void fiftyArStepsFollowTheCpuTrajectory() {
        assertTrajectoryMatches(TransformerConfig.preset("tiny", VOCAB), new Autoregressive(MASK, 0.0), 4, 50);
    }

    @Test
    void fiftyDiffusionStepsFollowTheCpuTrajectory() {
        assertTrajectoryMatches(TransformerConfig.preset("tiny", VOCAB).withCausal(false),
                new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0.25), 4, 50);
    }

    private static void assertOneStepMatches(TransformerConfig config, Objective objective, int batch) {
        assertOneStepMatches(config, objective, batch, 1e-4);
    }

    @Test
    void aStepWithANonFiniteLossChangesNothing() {
        assertNonFiniteStepChangesNothing();
    }

    /**
     * The NaN guard: a NaN weight of the head makes the loss NaN; the step reports it, is not applied,
     * and the weights, the moments and the step count stay as they were.
     */
    static void assertNonFiniteStepChangesNothing() {
        TransformerConfig tiny = TransformerConfig.preset("tiny", VOCAB);
        Transformer model = new Transformer(tiny, new Rng(11));
        model.namedParameters().get("head.weight").data()[0] = Float.NaN;
        Map<String, float[]> before = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> before.put(name, p.data().clone()));
        OptimizerState state = zeroState(model);
        try (TornadoTrainer device = new TornadoTrainer(model, state, ADAMW)) {
            int[] windows = windows(2, tiny.contextLength(), 3);
            StepOutcome outcome = device.step(LossInputs.training(new Autoregressive(MASK, 0.0), tiny.numLayers(),
                    windows, 2, tiny.contextLength(), Seeds.step(5, 1)), 1e-2);
            assertThat(outcome.loss()).isNaN();
            assertThat(outcome.applied()).isFalse();
            assertThat(device.stepCount()).isZero();
            Transformer after = new Transformer(tiny, new Rng(99));
            device.copyTo(after, state);
            after.namedParameters().forEach((name, p) -> assertThat(p.data()).as(name).isEqualTo(before.get(name)));
            state.firstMoments().forEach((name, m) -> assertThat(m).as("m." + name).containsOnly(0f));
        }
    }

    /** One step from the same weights and batch: the loss and every gradient within {@code bound}, relative. */
    static void assertOneStepMatches(TransformerConfig config, Objective objective, int batch, double bound) {
        int length = config.contextLength();
        int[] windows = windows(batch, length, 3);
        Transformer cpu = new Transformer(config, new Rng(11));
        double cpuLoss = objective.loss(cpu, windows, batch, length, Seeds.step(5, 1)).value().item();
        try (TornadoTrainer device = new TornadoTrainer(new Transformer(config, new Rng(11)), zeroState(cpu), ADAMW)) {
            LossInputs inputs = LossInputs.training(objective, config.numLayers(), windows, batch, length,
                    Seeds.step(5, 1));
            StepOutcome outcome = device.step(inputs, 0.0);
            String what = objective.name() + " " + describe(config);
            double lossError = Math.abs(outcome.loss() - cpuLoss) / Math.abs(cpuLoss);
            System.out.printf("%s: loss cpu %.7f device %.7f relative error %.3g%n", what, cpuLoss, outcome.loss(),
                    lossError);
            assertThat(lossError).as(what + " loss").isLessThanOrEqualTo(bound);
            assertGradientsMatch(what, cpuGradients(objective, config, windows, batch), device, bound);
        }
    }

    /** Each parameter's gradient from the CPU's autograd, by name. */
    private static Map<String, float[]> cpuGradients(Objective objective, TransformerConfig config, int[] windows,
                                                     int batch) {
        Transformer model = new Transformer(config, new Rng(11));
        objective.loss(model, windows, batch, config.contextLength(), Seeds.step(5, 1)).value().backward();
        Map<String, float[]> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> grads.put(name, p.grad().clone()));
        return grads;
    }

    private static void assertGradientsMatch(String what, Map<String, float[]> expected, TornadoTrainer device,
                                             double bound) {
        float[] flat = device.gradients();
        double worst = 0;
        String worstName = null;
        for (Map.Entry<String, float[]> entry : expected.entrySet()) {
            float[] cpu = entry.getValue();
            int offset = device.layout().offset(entry.getKey());
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < cpu.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(cpu[i] - flat[offset + i]));
                maxAbs = Math.max(maxAbs, Math.abs(cpu[i]));
            }
            double error = maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
            if (error > worst || worstName == null) {
                worst = error;
                worstName = entry.getKey();
            }
            assertThat(error).as(what + " gradient of " + entry.getKey()).isLessThanOrEqualTo(bound);
        }
        System.out.printf("%s: worst gradient relative error %.3g (%s), %d tensors%n", what, worst, worstName,
                expected.size());
    }

    /** {@code steps} AdamW steps from the same start: every step's loss within 1e-3 of the CPU's, relative. */
    static void assertTrajectoryMatches(TransformerConfig config, Objective objective, int batch, int steps) {
        int length = config.contextLength();
        Transformer cpu = new Transformer(config, new Rng(21));
        AdamWOptimizer optimizer = new AdamWOptimizer(cpu, 0.9, 0.95, 1e-8, 0.1);
        double lr = 3e-3;
        double worst = 0;
        try (TornadoTrainer device = new TornadoTrainer(new Transformer(config, new Rng(21)), zeroState(cpu), ADAMW)) {
            for (int s = 1; s <= steps; s++) {
                int[] windows = windows(batch, length, 100 + s % 7);       // 7 batches, repeated: the loss falls
                double cpuLoss = objective.loss(cpu, windows, batch, length, Seeds.step(9, s)).value().item();
                // the loss tensor is rebuilt for backward so that the trainer's own step function is used
                Trainer.optimizationStep(objective.loss(cpu, windows, batch, length, Seeds.step(9, s)).value(), cpu,
                        optimizer, 1.0, lr);
                StepOutcome outcome = device.step(LossInputs.training(objective, config.numLayers(), windows, batch,
                        length, Seeds.step(9, s)), lr);
                double error = Math.abs(outcome.loss() - cpuLoss) / Math.abs(cpuLoss);
                worst = Math.max(worst, error);
                if (s == 1 || s % 10 == 0) {
                    System.out.printf("%s step %d: loss cpu %.6f device %.6f relative error %.3g%n", objective.name(),
                            s, cpuLoss, outcome.loss(), error);
                }
                assertThat(outcome.applied()).isTrue();
                assertThat(error).as(objective.name() + " loss at step " + s).isLessThanOrEqualTo(1e-3);
            }
            assertThat(device.stepCount()).isEqualTo(steps);
            Transformer copied = new Transformer(config, new Rng(99));        // the weights that come back
            device.copyTo(copied, zeroState(copied));
            for (Map.Entry<String, Parameter> entry : cpu.namedParameters().entrySet()) {
                float[] expected = entry.getValue().data();
                float[] actual = copied.namedParameters().get(entry.getKey()).data();
                double maxDiff = 0;
                double maxAbs = 0;
                for (int i = 0; i < expected.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                }
                assertThat(maxDiff / maxAbs).as("weights of " + entry.getKey() + " after " + steps + " steps")
                        .isLessThanOrEqualTo(1e-3);
            }
            System.out.printf("%s %s: %d steps, worst loss relative error %.3g%n", objective.name(), describe(config),
                    steps, worst);
        }
    }

    private static OptimizerState zeroState(Transformer model) {
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
            m.put(entry.getKey(), new float[entry.getValue().size()]);
            v.put(entry.getKey(), new float[entry.getValue().size()]);
        }
        return new OptimizerState(m, v, 0);
    }

    private static int[] windows(int batch, int length, long seed) {
        Rng rng = new Rng(seed);
        int[] windows = new int[batch * (length + 1)];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = 97 + rng.nextInt(26);                         // lower-case letters: a learnable text
        }
        return windows;
    }

    private static String describe(TransformerConfig config) {
        return String.format("(C %d, %d layers, T %d, %s positions%s%s)", config.dModel(), config.numLayers(),
                config.contextLength(), config.positions().name().toLowerCase(java.util.Locale.ROOT),
                config.tiedHead() ? ", tied head" : "", config.dropout() > 0 ? ", dropout " + config.dropout() : "");
    }
}
