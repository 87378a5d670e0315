package org.dlm4j.tornado;

import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.Autoregressive;
import org.dlm4j.objective.DiffusionVariant;
import org.dlm4j.objective.MaskedDiffusion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The step built with TornadoVM's default OpenCL flags ({@code -cl-mad-enable -cl-fast-relaxed-math}),
 * as a GPU run would use them: looser, so the one-step bound is 1e-3 instead of 1e-4; the 50-step
 * trajectory keeps its 1e-3. The NaN guard must hold too: fast relaxed math lets the compiler assume
 * no NaN or infinity, so the guard is the host's, between the step graph and the update graph.
 */
class FastMathTest {
    private static final int VOCAB = 258;
    private static final int MASK = 257;

    @BeforeEach
    void fastMath() {
        DeviceTestSupport.assumeDevice();
        System.setProperty("dlm4j.tornado.fastMath", "true");
    }

    @AfterEach
    void strictAgain() {
        System.clearProperty("dlm4j.tornado.fastMath");
    }

    @Test
    void oneStepOfEachObjectiveStaysWithinFastMathBounds() {
        TransformerConfig tiny = TransformerConfig.preset("tiny", VOCAB);
        TrainingStepTest.assertOneStepMatches(tiny, new Autoregressive(MASK, 0.0), 4, 1e-3);
        TrainingStepTest.assertOneStepMatches(tiny.withCausal(false),
                new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0.25), 4, 1e-3);
    }

    @Test
    void fiftyDiffusionStepsStillFollowTheCpu() {
        TrainingStepTest.assertTrajectoryMatches(TransformerConfig.preset("tiny", VOCAB).withCausal(false),
                new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0.25), 4, 50);
    }

    @Test
    void theNanGuardSurvivesFastMath() {
        TrainingStepTest.assertNonFiniteStepChangesNothing();
    }
}
