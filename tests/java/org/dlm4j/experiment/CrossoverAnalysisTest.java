package org.dlm4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.dlm4j.experiment.CrossoverAnalysis.Comparison;
import org.dlm4j.experiment.CrossoverAnalysis.Metric;
import org.dlm4j.experiment.CrossoverAnalysis.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Paired comparisons over seeds, and a crossover that is marked only where each ordering holds in every
 * seed.
 */
class CrossoverAnalysisTest {

    private static final SweepSpec SPEC = new SweepSpec("t", "d", "m", null, List.of("ar", "diffusion"),
            List.of(100L, 200L, 400L, 800L), 800L, List.of(new SweepSpec.ModelSpec("m", 40, 16, 1, 2, 2, "rope")), List.of(),
            2, 1e-3, 1e-4, 1, 0, 1, 1, 1, 1, 0, 1, "paper", List.of(1L, 2L, 3L));
    private static final long[] US = {800, 400, 200, 100}; // 1, 2, 4 and 8 epochs

    /** A finished run whose last point has the given validation NLL and MC accuracy. */
    private static SweepRunner.FinishedRun run(String objective, long u, long seed, double valNll, double accuracy) {
        GridRun grid = new GridRun(objective, u, SPEC.models().getFirst(), null, seed);
        double nan = Double.NaN;
        EvalPoint last = new EvalPoint(grid.name(), objective, u, grid.epochs(SPEC), "m", null, seed, 10, 800, valNll,
                valNll, 0.01, nan, nan, accuracy, 0.02, 0.5, 0.1, 0.3, nan, nan, nan);
        return new SweepRunner.FinishedRun(grid, List.of(last), 1.5);
    }

    /** Three seeds per cell; AR's NLL rises with the epochs, diffusion's falls; seed s shifts both by wiggle(s). */
    private static List<SweepRunner.FinishedRun> grid(double[] arNll, double[] diffusionNll, double[] wiggle) {
        List<SweepRunner.FinishedRun> runs = new ArrayList<>();
        for (int i = 0; i < US.length; i++) {
            for (int s = 0; s < 3; s++) {
                runs.add(run("ar", US[i], s + 1, arNll[i], 0.4));
                runs.add(run("diffusion", US[i], s + 1, diffusionNll[i] + wiggle[s] * (i + 1), 0.4));
            }
        }
        return runs;
    }

    @Test
    void pairedDifferencesHaveTheirStandardErrorAndVerdictPerU() {
        // diffusion - AR = -0.2, -0.1, +0.1, +0.3 on average; the seeds differ by -0.01, 0, +0.01 per epoch step
        var analysis = new CrossoverAnalysis(SPEC, grid(new double[] {1.0, 1.1, 1.2, 1.3},
                new double[] {1.2, 1.2, 1.1, 1.0}, new double[] {-0.01, 0, 0.01}), null);
        List<Comparison> nll = analysis.comparisons("m", "ar", Metric.VAL_NLL);
        assertThat(nll).extracting(Comparison::epochs).containsExactly(1.0, 2.0, 4.0, 8.0);
        assertThat(nll.getFirst().mean()).isCloseTo(0.2, within(1e-12));       // AR lower: AR ahead
        assertThat(nll.getFirst().verdict()).isEqualTo(Verdict.AR_EVERY_SEED);
        // differences -0.01, 0, +0.01 around the mean at one epoch step: sd 0.01, SE 0.01 / sqrt(3)
        assertThat(nll.getFirst().standardError()).isCloseTo(0.01 / Math.sqrt(3), within(1e-12));
        assertThat(nll.getLast().mean()).isCloseTo(-0.3, within(1e-12));
        assertThat(nll.getLast().verdict()).isEqualTo(Verdict.DIFFUSION_EVERY_SEED);
        assertThat(nll.getLast().differences()).containsOnlyKeys(1L, 2L, 3L);
        assertThat(analysis.cell("m", "ar", 800).standardError(Metric.VAL_NLL)).isZero();
    }

    @Test
    void aCrossoverThatHoldsInEverySeedIsInterpolatedInLogEpochs() {
        var analysis = new CrossoverAnalysis(SPEC, grid(new double[] {1.0, 1.1, 1.2, 1.3},
                new double[] {1.2, 1.2, 1.1, 1.0}, new double[] {-0.01, 0, 0.01}), null);
        CrossoverAnalysis.Crossover nll = analysis.crossovers(Metric.VAL_NLL).getFirst();
        // AR ahead by 0.1 at 2 epochs, diffusion by 0.1 at 4: halfway in log2 -> 2^1.5
        assertThat(nll.epochs()).isCloseTo(Math.pow(2, 1.5), within(1e-9));
        assertThat(nll.description()).contains("AR ahead in every seed at 2 epochs, diffusion ahead in every seed at 4"
                + " epochs; crossover at about 2.83 epochs", "1 ep +0.200 ± 0.006 (AR ahead in 3/3 seeds)",
                "8 ep -0.300 ± 0.023 (diffusion ahead in 3/3 seeds)");
        assertThat(analysis.crossovers(Metric.MC_ACCURACY).getFirst().epochs()).isNaN(); // equal accuracy everywhere
    }

    @Test
    void aMixedPointBetweenTwoEverySeedOrderingsBracketsTheCrossover() {
        // at 4 epochs the mean favours diffusion (-0.1) but seed 1 favours AR (-0.1 + 3 x 0.06 = +0.08): mixed;
        // AR is ahead in every seed at 2 epochs and diffusion in every seed at 8, so every seed crosses in [2, 8]
        var analysis = new CrossoverAnalysis(SPEC, grid(new double[] {1.0, 1.1, 1.2, 1.3},
                new double[] {1.2, 1.2, 1.1, 1.0}, new double[] {0.06, -0.03, -0.03}), null);
        List<Comparison> nll = analysis.comparisons("m", "ar", Metric.VAL_NLL);
        assertThat(nll.get(2).mean()).isCloseTo(-0.1, within(1e-12));
        assertThat(nll.get(2).verdict()).isEqualTo(Verdict.MIXED);
        assertThat(nll.get(2).diffusionAhead()).isEqualTo(2);
        CrossoverAnalysis.Crossover crossover = analysis.crossovers(Metric.VAL_NLL).getFirst();
        // the mean lead is -0.1 at 2 epochs and +0.1 at 4: zero halfway in log2, at 2^1.5
        assertThat(crossover.epochs()).isCloseTo(Math.pow(2, 1.5), within(1e-9));
        assertThat(crossover.description()).contains("AR ahead in every seed at 2 epochs, diffusion ahead in every"
                + " seed at 8 epochs, mixed between them (4 ep: diffusion ahead in 2/3 seeds), so every seed crosses"
                + " between 2 and 8 epochs; crossover at about 2.83 epochs (interpolated where the mean crosses zero)",
                "4 ep -0.100 ± 0.090 (diffusion ahead in 2/3 seeds)");
    }

    @Test
    void noCrossoverIsMarkedWhenOneSeedNeverCrosses() {
        // seed 1 keeps AR ahead at every U (its offset grows 0.1 per epoch step); seeds 2 and 3 cross at 4 epochs
        var analysis = new CrossoverAnalysis(SPEC, grid(new double[] {1.0, 1.1, 1.2, 1.3},
                new double[] {1.2, 1.2, 1.1, 1.0}, new double[] {0.1, -0.03, -0.03}), null);
        List<Comparison> nll = analysis.comparisons("m", "ar", Metric.VAL_NLL);
        assertThat(nll).extracting(Comparison::verdict).containsExactly(Verdict.AR_EVERY_SEED, Verdict.AR_EVERY_SEED,
                Verdict.MIXED, Verdict.MIXED);
        CrossoverAnalysis.Crossover crossover = analysis.crossovers(Metric.VAL_NLL).getFirst();
        assertThat(crossover.epochs()).isNaN();
        assertThat(crossover.description()).contains("no crossover that holds in every seed",
                "8 ep -0.247", "(diffusion ahead in 2/3 seeds)");
    }

    @Test
    void diffusionAheadEverywhereIsNoCrossoverInsideTheGrid() {
        var analysis = new CrossoverAnalysis(SPEC, grid(new double[] {1.3, 1.3, 1.3, 1.3},
                new double[] {1.0, 1.0, 1.0, 1.0}, new double[] {0, 0, 0}), null);
        assertThat(analysis.crossovers(Metric.VAL_NLL).getFirst().description())
                .contains("diffusion ahead in every seed at every U (no crossover inside the grid)");
        assertThat(analysis.seconds(1)).isEqualTo(8 * 1.5);
        assertThat(analysis.seeds()).containsExactly(1L, 2L, 3L);
    }
}
