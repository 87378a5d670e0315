package org.dlm4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CrossoverAnalysisTest {

    private static final SweepSpec SPEC = new SweepSpec("t", "d", "m", List.of("ar", "diffusion"),
            List.of(100L, 200L, 400L, 800L), 800L, List.of(new SweepSpec.ModelSpec("m", 40, 16, 1, 2, 2, "rope")), List.of(),
            2, 1e-3, 1e-4, 1, 0, 1, 1, 0, 1, "paper", List.of(1L, 2L));

    /** A finished run whose last point has the given accuracy and delta NLL. */
    private static SweepRunner.FinishedRun run(String objective, long u, long seed, double accuracy, double delta) {
        GridRun grid = new GridRun(objective, u, SPEC.models().getFirst(), null, seed);
        EvalPoint last = new EvalPoint(grid.name(), objective, u, grid.epochs(SPEC), "m", null, seed, 10, 800, 2.0,
                accuracy, delta);
        return new SweepRunner.FinishedRun(grid, List.of(last), 1.5);
    }

    @Test
    void meansOverSeedsAndInterpolatedCrossover() {
        List<SweepRunner.FinishedRun> runs = new ArrayList<>();
        // epochs 1, 2, 4, 8: AR accuracy falls, diffusion's rises; gap (diffusion - AR) = -0.2, -0.1, +0.1, +0.3
        double[] arAcc = {0.6, 0.5, 0.4, 0.3};
        double[] dAcc = {0.4, 0.4, 0.5, 0.6};
        long[] us = {800, 400, 200, 100};
        for (int i = 0; i < 4; i++) {
            for (long seed : new long[] {1, 2}) {
                double wiggle = seed == 1 ? 0.01 : -0.01;
                runs.add(run("ar", us[i], seed, arAcc[i] + wiggle, 1.0));
                runs.add(run("diffusion", us[i], seed, dAcc[i] - wiggle, 0.5));
            }
        }
        CrossoverAnalysis analysis = new CrossoverAnalysis(SPEC, runs);
        List<CrossoverAnalysis.Cell> ar = analysis.cells("m", "ar");
        assertThat(ar).extracting(CrossoverAnalysis.Cell::epochs).containsExactly(1.0, 2.0, 4.0, 8.0);
        assertThat(ar.getFirst().mean(CrossoverAnalysis.Metric.MC_ACCURACY)).isCloseTo(0.6, within(1e-12));
        assertThat(ar.getFirst().finals()).hasSize(2);

        CrossoverAnalysis.Crossover accuracy = analysis.crossovers(CrossoverAnalysis.Metric.MC_ACCURACY).getFirst();
        // between 2 epochs (gap -0.1) and 4 (gap +0.1): halfway in log2 -> 2^1.5
        assertThat(accuracy.epochs()).isCloseTo(Math.pow(2, 1.5), within(1e-9));
        assertThat(accuracy.description()).contains("crossover at about 2.83 epochs")
                .contains("diffusion - AR by epochs: 1 ep -0.200, 2 ep -0.100, 4 ep +0.100, 8 ep +0.300")
                .doesNotContain("again");

        CrossoverAnalysis.Crossover delta = analysis.crossovers(CrossoverAnalysis.Metric.DELTA_NLL).getFirst();
        assertThat(delta.epochs()).isNaN();
        assertThat(delta.description()).contains("no crossover within the budget");
        assertThat(analysis.seconds(1)).isEqualTo(8 * 1.5);
        assertThat(analysis.seeds()).containsExactly(1L, 2L);
    }

    @Test
    void aLeadThatReversesIsReported() {
        List<SweepRunner.FinishedRun> runs = new ArrayList<>();
        long[] us = {800, 400, 200, 100};
        double[] gap = {-0.1, 0.2, 0.1, -0.3};
        for (int i = 0; i < 4; i++) {
            runs.add(run("ar", us[i], 1, 0.5, 1.0));
            runs.add(run("diffusion", us[i], 1, 0.5, 1.0 + gap[i]));
        }
        CrossoverAnalysis.Crossover delta = new CrossoverAnalysis(SPEC, runs)
                .crossovers(CrossoverAnalysis.Metric.DELTA_NLL).getFirst();
        assertThat(delta.epochs()).isCloseTo(Math.pow(2, 1.0 / 3), within(1e-9));
        assertThat(delta.description()).contains("but AR is ahead or level again at 8 epochs");
    }

    @Test
    void lossesCountLowerAsBetter() {
        List<SweepRunner.FinishedRun> runs = new ArrayList<>();
        for (long u : new long[] {800, 100}) {
            runs.add(run("ar", u, 1, 0.5, 1));
            runs.add(run("diffusion", u, 1, 0.5, 1));
        }
        // equal val losses everywhere: never strictly ahead, so no crossover
        CrossoverAnalysis analysis = new CrossoverAnalysis(SPEC, runs);
        assertThat(analysis.crossovers(CrossoverAnalysis.Metric.VAL_LOSS).getFirst().epochs()).isNaN();
    }
}
