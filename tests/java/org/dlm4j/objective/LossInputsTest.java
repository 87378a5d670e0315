package org.dlm4j.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dlm4j.objective.Lesson14GpuPathTest.B;
import static org.dlm4j.objective.Lesson14GpuPathTest.MASK;
import static org.dlm4j.objective.Lesson14GpuPathTest.T;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.junit.jupiter.api.Test;

/**
 * {@link LossInputs} is what a device engine computes a loss from, so it must reproduce the CPU
 * objective exactly. The training inputs (the same draws from the same Rng, the same loss, padded
 * positions of a cut batch weighing 0) are lesson 14's tests, {@link Lesson14GpuPathTest}; here the
 * evaluation inputs.
 */
class LossInputsTest {

    @Test
    void evaluationInputsGiveTheObjectivesValidationNumber() {
        Transformer model = Lesson14GpuPathTest.model(false);
        MaskedDiffusion diffusion = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 1.0);
        int[] windows = Lesson14GpuPathTest.windows(3);
        double cpu = diffusion.evaluate(model, windows, B, T, new Rng(7));
        LossInputs inputs = LossInputs.evaluation(diffusion, windows, B, T, new Rng(7));
        assertThat(inputs.usedLength()).isEqualTo(T);
        assertThat(inputs.dropoutSeeds()).isEmpty();
        assertThat(Lesson14GpuPathTest.lossOf(model, inputs)).isEqualTo(cpu);
    }
}
