package org.dlm4j.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import org.dlm4j.eval.McBaselines;
import org.dlm4j.exercise.Exercise;

/**
 * The numbers a sweep's report and plots show, computed from its finished runs.
 *
 * <p>Final values: each run's last evaluation point; a cell (model, series, U) holds one per seed.
 * Means over seeds come with the standard error of the mean over seeds, sd / sqrt(seeds).
 *
 * <p>Paired comparison: at every U, for each seed, d_s = diffusion - AR of the same seed (the same data
 * order and initial weights), sign-adjusted so that d &gt; 0 always means "diffusion ahead". The mean
 * of d_s over seeds comes with its standard error, and the ordering is called only where it holds in
 * every seed: "diffusion ahead in every seed", "AR ahead in every seed", or "mixed".
 *
 * <p>Crossover: scanning U from the fewest epochs to the most, the first point where AR is ahead in every
 * seed followed, after only mixed points, by one where diffusion is ahead in every seed. Every seed then
 * crosses between those two points (at the mixed points in between the seeds disagree about which side
 * of their own crossing they are). Its epochs are where the mean d crosses zero, interpolated in
 * log(epochs) between the two neighbouring points around that zero: e* = exp(ln e1 + (ln e2 - ln e1) d1 / (d1 - d2)).
 * Anything else (diffusion ahead already at the fewest epochs, never in every seed, or AR ahead again
 * after a mixed point) is said in words, and no crossover is marked.
 */
public final class CrossoverAnalysis {

    /** A metric of an evaluation point. */
    public enum Metric {
        VAL_NLL("validation NLL (exact, like for like)", "val_nll", false, EvalPoint::valNll),
        VAL_BOUND("validation bound (diffusion, llada-eval)", "val_bound", false, EvalPoint::valBound),
        VAL_LOSS("trainer's validation loss (AR NLL, diffusion bound)", "val_loss", false, EvalPoint::valLoss),
        MC_ACCURACY("MC accuracy (in-window items)", "mc_accuracy", true, EvalPoint::mcAccuracy),
        DELTA_NLL("delta NLL (in-window items)", "delta_nll", true, EvalPoint::deltaNll),
        DELTA_NLL_GAIN("delta NLL gain over step 0", "delta_nll_gain", true, EvalPoint::deltaNllGain),
        MC_HARD_ACCURACY("MC accuracy (hard tier)", "mc_hard_accuracy", true, EvalPoint::mcHardAccuracy);

        private final String label;
        private final String column;
        private final boolean higherIsBetter;
        private final ToDoubleFunction<EvalPoint> value;

        Metric(String label, String column, boolean higherIsBetter, ToDoubleFunction<EvalPoint> value) {
            this.label = label;
            this.column = column;
            this.higherIsBetter = higherIsBetter;
            this.value = value;
        }

        public String label() {
            return label;
        }

        public String column() {
            return column;
        }

        public boolean higherIsBetter() {
            return higherIsBetter;
        }

        public double of(EvalPoint point) {
            return value.applyAsDouble(point);
        }
    }

    /** The final points of one (model, series, U) over its seeds. */
    public record Cell(String model, String series, long uniqueTokens, double epochs, List<EvalPoint> finals) {
        public double mean(Metric metric) {
            return Stats.mean(values(metric));
        }

        /** The standard error of the mean over seeds (NaN with one seed). */
        public double standardError(Metric metric) {
            return Stats.standardError(values(metric));
        }

        public double[] values(Metric metric) {
            return finals.stream().mapToDouble(metric::of).toArray();
        }

        /** The value of {@code seed}, or NaN when this cell has no run of it. */
        public double valueOf(Metric metric, long seed) {
            return finals.stream().filter(p -> p.seed() == seed).mapToDouble(metric::of).findFirst().orElse(Double.NaN);
        }
    }

    /** Which objective is ahead at one U, judged seed by seed. */
    public enum Verdict { DIFFUSION_EVERY_SEED, AR_EVERY_SEED, MIXED }

    /**
     * Diffusion against one AR series at one U, paired by seed.
     *
     * @param differences  per seed, diffusion - AR (raw, not sign-adjusted), in seed order
     * @param mean         the mean of the differences
     * @param standardError the standard error of that mean over seeds (NaN with one seed)
     * @param diffusionAhead how many seeds have diffusion ahead (lower loss, or higher accuracy)
     */
    public record Comparison(String model, String arSeries, Metric metric, long uniqueTokens, double epochs,
                             Map<Long, Double> differences, double mean, double standardError, int diffusionAhead) {

        public int seeds() {
            return differences.size();
        }

        public Verdict verdict() {
            return diffusionAhead == seeds() ? Verdict.DIFFUSION_EVERY_SEED
                    : diffusionAhead == 0 ? Verdict.AR_EVERY_SEED : Verdict.MIXED;
        }

        /** The mean difference signed so that positive means diffusion ahead. */
        double lead() {
            return metric.higherIsBetter() ? mean : -mean;
        }
    }

    /**
     * Where diffusion overtakes one AR series on one metric.
     *
     * @param epochs       the interpolated crossover epochs; NaN when none holds in every seed inside the grid
     * @param description  one sentence for the report
     */
    public record Crossover(String model, String arSeries, Metric metric, double epochs, String description) {
    }

    private final SweepSpec spec;
    private final List<SweepRunner.FinishedRun> runs;
    private final List<Cell> cells;
    private final McBaselines baselines;

    /** @param baselines the MC set's rule-of-thumb accuracies, or null when not computed */
    public CrossoverAnalysis(SweepSpec spec, List<SweepRunner.FinishedRun> runs, McBaselines baselines) {
        this.spec = spec;
        this.runs = List.copyOf(runs);
        this.baselines = baselines;
        Map<String, List<EvalPoint>> byCell = new LinkedHashMap<>();
        Map<String, GridRun> first = new LinkedHashMap<>();
        for (SweepRunner.FinishedRun finished : runs) {
            GridRun run = finished.run();
            String key = run.model().name() + "|" + seriesOf(run) + "|" + run.uniqueTokens();
            byCell.computeIfAbsent(key, k -> new ArrayList<>()).add(finished.last());
            first.putIfAbsent(key, run);
        }
        List<Cell> all = new ArrayList<>();
        for (Map.Entry<String, List<EvalPoint>> entry : byCell.entrySet()) {
            GridRun run = first.get(entry.getKey());
            all.add(new Cell(run.model().name(), seriesOf(run), run.uniqueTokens(), run.epochs(spec),
                    List.copyOf(entry.getValue())));
        }
        all.sort(Comparator.comparing(Cell::model).thenComparing(Cell::series).thenComparingDouble(Cell::epochs));
        this.cells = List.copyOf(all);
    }

    public SweepSpec spec() {
        return spec;
    }

    public List<SweepRunner.FinishedRun> runs() {
        return runs;
    }

    /** The multiple-choice baselines, or null. */
    public McBaselines baselines() {
        return baselines;
    }

    /** All cells, by model, series, then epochs ascending. */
    public List<Cell> cells() {
        return cells;
    }

    /** The cells of one model and series ("ar", "ar+reg", "diffusion"), epochs ascending. */
    public List<Cell> cells(String model, String series) {
        return cells.stream().filter(c -> c.model().equals(model) && c.series().equals(series)).toList();
    }

    /** The cell of one model, series and U, or null. */
    public Cell cell(String model, String series, long uniqueTokens) {
        return cells.stream().filter(c -> c.model().equals(model) && c.series().equals(series)
                && c.uniqueTokens() == uniqueTokens).findFirst().orElse(null);
    }

    /** The series names present for {@code model}: plain AR first, then regularised AR, then diffusion. */
    public List<String> series(String model) {
        return cells.stream().filter(c -> c.model().equals(model)).map(Cell::series).distinct()
                .sorted(Comparator.comparing((String s) -> s.startsWith("diffusion") ? 2 : s.contains("+") ? 1 : 0)
                        .thenComparing(s -> s))
                .toList();
    }

    /** Every run's points of one model, series and U, per seed. */
    public List<SweepRunner.FinishedRun> runs(String model, String series, long uniqueTokens) {
        return runs.stream().filter(f -> f.run().model().name().equals(model)
                && seriesOf(f.run()).equals(series) && f.run().uniqueTokens() == uniqueTokens).toList();
    }

    /** Diffusion against {@code arSeries} at every U where both ran, epochs ascending, paired by seed. */
    public List<Comparison> comparisons(String model, String arSeries, Metric metric) {
        List<Comparison> found = new ArrayList<>();
        for (Cell ar : cells(model, arSeries)) {
            Cell diffusion = cell(model, "diffusion", ar.uniqueTokens());
            if (diffusion == null) {
                continue;
            }
            Map<Long, Double> differences = new LinkedHashMap<>();
            int ahead = 0;
            for (long seed : seeds()) {
                double d = diffusion.valueOf(metric, seed) - ar.valueOf(metric, seed);
                if (!Double.isNaN(d)) {
                    differences.put(seed, d);
                    ahead += (metric.higherIsBetter() ? d > 0 : d < 0) ? 1 : 0;
                }
            }
            if (differences.isEmpty()) {
                continue;
            }
            double[] values = differences.values().stream().mapToDouble(Double::doubleValue).toArray();
            found.add(new Comparison(model, arSeries, metric, ar.uniqueTokens(), ar.epochs(), differences,
                    Stats.mean(values), Stats.standardError(values), ahead));
        }
        return found;
    }

    /** The crossover of diffusion against every AR series of every model, for {@code metric}. */
    public List<Crossover> crossovers(Metric metric) {
        List<Crossover> found = new ArrayList<>();
        for (SweepSpec.ModelSpec model : spec.models()) {
            for (String series : series(model.name())) {
                if (series.startsWith("ar")) {
                    List<Comparison> comparisons = comparisons(model.name(), series, metric);
                    if (comparisons.size() >= 2 || series.equals("ar")) {
                        found.add(crossover(model.name(), series, metric, comparisons));
                    }
                }
            }
        }
        return found;
    }

    private Crossover crossover(String model, String arSeries, Metric metric, List<Comparison> comparisons) {
        String versus = "diffusion vs " + arSeries + " (" + model + ") on " + metric.label();
        if (comparisons.isEmpty()) {
            return new Crossover(model, arSeries, metric, Double.NaN, versus + ": no common U");
        }
        StringBuilder list = new StringBuilder();
        for (Comparison c : comparisons) {
            list.append(list.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s ep %+.3f%s (%s)",
                    number(c.epochs()), c.mean(), Double.isNaN(c.standardError()) ? ""
                            : String.format(Locale.ROOT, " ± %.3f", c.standardError()), verdictWords(c)));
        }
        String tail = ". Diffusion - AR by epochs: " + list;
        for (int i = 0; i < comparisons.size(); i++) {
            if (comparisons.get(i).verdict() != Verdict.AR_EVERY_SEED) {
                continue;
            }
            int j = i + 1;
            while (j < comparisons.size() && comparisons.get(j).verdict() == Verdict.MIXED) {
                j++;
            }
            if (j < comparisons.size() && comparisons.get(j).verdict() == Verdict.DIFFUSION_EVERY_SEED) {
                return crossoverBetween(model, arSeries, metric, versus, comparisons.subList(i, j + 1), tail);
            }
        }
        Comparison fewest = comparisons.getFirst();
        String words = fewest.verdict() == Verdict.DIFFUSION_EVERY_SEED && comparisons.stream()
                .allMatch(c -> c.verdict() == Verdict.DIFFUSION_EVERY_SEED)
                ? "diffusion ahead in every seed at every U (no crossover inside the grid)"
                : comparisons.stream().allMatch(c -> c.verdict() == Verdict.AR_EVERY_SEED)
                ? "AR ahead in every seed at every U (no crossover within the budget)"
                : "no crossover that holds in every seed";
        return new Crossover(model, arSeries, metric, Double.NaN, versus + ": " + words + tail);
    }

    /**
     * The crossover bracketed by {@code span}: AR ahead in every seed at its first point, diffusion in every
     * seed at its last, mixed at any point between; marked where the mean lead crosses zero.
     */
    private static Crossover crossoverBetween(String model, String arSeries, Metric metric, String versus,
                                              List<Comparison> span, String tail) {
        Comparison first = span.getFirst();
        Comparison last = span.getLast();
        double epochs = Double.NaN;
        for (int k = 1; k < span.size() && Double.isNaN(epochs); k++) {
            Comparison before = span.get(k - 1);
            Comparison after = span.get(k);
            if (before.lead() <= 0 && after.lead() > 0) {
                epochs = crossoverEpochs(before.epochs(), before.lead(), after.epochs(), after.lead());
            }
        }
        StringBuilder mixed = new StringBuilder();
        for (Comparison c : span.subList(1, span.size() - 1)) {
            mixed.append(mixed.isEmpty() ? "" : "; ").append(number(c.epochs())).append(" ep: ").append(verdictWords(c));
        }
        String between = mixed.isEmpty() ? "" : ", mixed between them (" + mixed + "), so every seed crosses"
                + " between " + number(first.epochs()) + " and " + number(last.epochs()) + " epochs";
        return new Crossover(model, arSeries, metric, epochs, String.format(Locale.ROOT,
                "%s: AR ahead in every seed at %s epochs, diffusion ahead in every seed at %s epochs%s;"
                        + " crossover at about %s epochs (interpolated%s)%s", versus, number(first.epochs()),
                number(last.epochs()), between, number(epochs), mixed.isEmpty() ? "" : " where the mean crosses zero",
                tail));
    }

    /**
     * Where the lead crosses zero between two neighbouring grid points, interpolated linearly in
     * log(epochs): diffusion's lead (positive: diffusion ahead) is {@code lead1} at {@code epochs1} and
     * {@code lead2} at {@code epochs2}, with lead1 &lt; 0 &lt; lead2 (or the other way round). The zero
     * lies a fraction lead1 / (lead1 - lead2) of the way from ln(epochs1) to ln(epochs2):
     * <pre>
     *   e* = exp(ln e1 + (ln e2 - ln e1) · lead1 / (lead1 - lead2))
     * </pre>
     * Log epochs because the grid's U are spaced by factors, not by steps.
     */
    @Exercise("L12.2")
    static double crossoverEpochs(double epochs1, double lead1, double epochs2, double lead2) {
        double fraction = lead1 / (lead1 - lead2);
        return Math.exp(Math.log(epochs1) + (Math.log(epochs2) - Math.log(epochs1)) * fraction);
    }

    /** "diffusion ahead in 3/3 seeds" and the like. */
    static String verdictWords(Comparison c) {
        return switch (c.verdict()) {
            case DIFFUSION_EVERY_SEED -> "diffusion ahead in " + c.seeds() + "/" + c.seeds() + " seeds";
            case AR_EVERY_SEED -> "AR ahead in " + c.seeds() + "/" + c.seeds() + " seeds";
            case MIXED -> "diffusion ahead in " + c.diffusionAhead() + "/" + c.seeds() + " seeds";
        };
    }

    /**
     * {@code x} to 3 significant digits without trailing zeros: 3.0 -> "3", 12.5 -> "12.5", 2.828 -> "2.83";
     * from 1000 on, whole with thousands separators: 1536.0 -> "1,536".
     */
    public static String number(double x) {
        if (Math.abs(x) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        String text = String.format(Locale.ROOT, "%.3g", x);
        return text.contains("e") || !text.contains(".") ? text : text.replaceFirst("\\.?0+$", "");
    }

    /** "ar", "ar+reg" or "diffusion" of a run. */
    static String seriesOf(GridRun run) {
        return run.objective() + (run.regularizer() == null ? "" : "+" + run.regularizer().name());
    }

    /** Wall seconds of all finished runs of {@code seed} (runs trained side by side overlap in time). */
    public double seconds(long seed) {
        return runs.stream().filter(f -> f.run().seed() == seed).mapToDouble(SweepRunner.FinishedRun::seconds).sum();
    }

    /** The seeds with finished runs, in spec order. */
    public List<Long> seeds() {
        return spec.seeds().stream().filter(s -> runs.stream().anyMatch(f -> Objects.equals(f.run().seed(), s))).toList();
    }

    /** Means and standard errors over seeds. */
    static final class Stats {
        private Stats() {
        }

        static double mean(double[] values) {
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            return values.length == 0 ? Double.NaN : sum / values.length;
        }

        /**
         * The standard error of the mean of {@code values} (one per seed): sd / sqrt(n), with the unbiased
         * sample standard deviation sd = sqrt(sum (v - mean)² / (n - 1)); NaN for fewer than two values,
         * where no spread can be seen.
         */
        @Exercise("L12.1")
        static double standardError(double[] values) {
            if (values.length < 2) {
                return Double.NaN;
            }
            double mean = mean(values);
            double squares = 0;
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
            return Math.sqrt(squares / (values.length - 1) / values.length);
        }
    }
}
