package org.dlm4j.experiment;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 12, the crossover lab: the standard error over seeds that every number of the report carries,
 * and the crossover's interpolation in log epochs ({@link CrossoverAnalysis}). See lessons/12-crossover-lab.
 */
@LessonTest
@Tag("L12")
class Lesson12CrossoverLabTest {

    // ---- L12.1 the standard error over seeds ----

    @Test
    @Tag("L12.1")
    void theStandardErrorIsTheSampleStandardDeviationOverTheSquareRootOfN() {
        double se = CrossoverAnalysis.Stats.standardError(new double[] {1.0, 2.0, 3.0, 6.0});
        // mean 3, squares 4 + 1 + 0 + 9 = 14, sd = sqrt(14 / 3), se = sd / 2
        Expect.close("standard error of 1, 2, 3, 6", Math.sqrt(14.0 / 3) / 2, se, 1e-12,
                "divide the squares by n - 1 (the unbiased sample variance), then the sd by sqrt(n)");
        Expect.close("standard error of three equal values", 0.0, CrossoverAnalysis.Stats.standardError(
                new double[] {0.4, 0.4, 0.4}), 1e-12, "no spread, no error");
    }

    @Test
    @Tag("L12.1")
    void oneSeedHasNoStandardError() {
        Expect.that(Double.isNaN(CrossoverAnalysis.Stats.standardError(new double[] {0.7})),
                "the standard error of a single value must be NaN", "with n = 1 there is no spread to measure;"
                        + " 0 would claim a certainty one seed cannot give");
    }

    // ---- L12.2 the crossover ----

    @Test
    @Tag("L12.2")
    void theCrossoverLiesWhereTheLeadCrossesZeroInLogEpochs() {
        Expect.close("AR ahead by 0.1 at 2 epochs, diffusion by 0.1 at 4", Math.pow(2, 1.5),
                CrossoverAnalysis.crossoverEpochs(2, -0.1, 4, 0.1), 1e-12,
                "halfway between ln 2 and ln 4 is ln 2.83, not the arithmetic midpoint 3");
        Expect.close("AR ahead by 0.3 at 8 epochs, diffusion by 0.1 at 64", Math.pow(2, 5.25),
                CrossoverAnalysis.crossoverEpochs(8, -0.3, 64, 0.1), 1e-9,
                "the zero is a fraction lead1 / (lead1 - lead2) = 0.75 of the way from ln 8 = 3 ln 2 to ln 64 = 6 ln 2");
    }
}
