package org.dlm4j.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The numbers a sweep's report and plots show, computed from its finished runs.
 *
 * <p>Final values: each run's last evaluation point; a cell (model, objective, regulariser, U) holds
 * one per seed, and its mean over seeds.
 *
 * <p>Crossover: for one model and metric, d(U) = mean diffusion − mean AR (sign flipped for a loss, so
 * d &gt; 0 always means "diffusion ahead"), ordered by epochs = M / U. Scanning from the fewest epochs,
 * the crossover is the first point where d turns positive after being &le; 0; its epochs are
 * interpolated linearly in log(epochs) between the two grid points: e* = exp(ln e₁ + (ln e₂ − ln e₁)
 * · d₁ / (d₁ − d₂)). If d &gt; 0 already at the fewest epochs, diffusion is ahead everywhere in the
 * grid; if d never turns positive, there is no crossover within the budget. A lead that reverses
 * again at more epochs is said so, and every description lists d at each grid point.
 */
public final class CrossoverAnalysis {

    /** A metric of an evaluation point. */
    public enum Metric {
        VAL_LOSS("validation loss", "val_loss", false, EvalPoint::valLoss),
        MC_ACCURACY("MC accuracy", "mc_accuracy", true, EvalPoint::mcAccuracy),
        DELTA_NLL("delta NLL", "delta_nll", true, EvalPoint::deltaNll);

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

    /** The final points of one (model, objective, regulariser, U) over its seeds. */
    public record Cell(String model, String objective, String regularizer, long uniqueTokens, double epochs,
                       List<EvalPoint> finals) {
        public double mean(Metric metric) {
            return finals.stream().mapToDouble(metric::of).average().orElse(Double.NaN);
        }

        /** "ar", "ar+mask0.1" or "diffusion". */
        public String series() {
            return objective + (regularizer == null ? "" : "+" + regularizer);
        }
    }

    /**
     * Where diffusion overtakes one AR series.
     *
     * @param model        the model size
     * @param arSeries     "ar" or "ar+&lt;regulariser&gt;"
     * @param metric       the metric compared
     * @param epochs       the interpolated crossover epochs; NaN when there is none inside the grid
     * @param description  one sentence for the report
     */
    public record Crossover(String model, String arSeries, Metric metric, double epochs, String description) {
    }

    private final SweepSpec spec;
    private final List<SweepRunner.FinishedRun> runs;
    private final List<Cell> cells;

    public CrossoverAnalysis(SweepSpec spec, List<SweepRunner.FinishedRun> runs) {
        this.spec = spec;
        this.runs = List.copyOf(runs);
        Map<String, List<EvalPoint>> byCell = new LinkedHashMap<>();
        Map<String, GridRun> first = new LinkedHashMap<>();
        for (SweepRunner.FinishedRun finished : runs) {
            GridRun run = finished.run();
            String key = run.model().name() + "|" + run.objective() + "|" + run.regularizerName() + "|" + run.uniqueTokens();
            byCell.computeIfAbsent(key, k -> new ArrayList<>()).add(finished.last());
            first.putIfAbsent(key, run);
        }
        List<Cell> all = new ArrayList<>();
        for (Map.Entry<String, List<EvalPoint>> entry : byCell.entrySet()) {
            GridRun run = first.get(entry.getKey());
            all.add(new Cell(run.model().name(), run.objective(), run.regularizerName(), run.uniqueTokens(),
                    run.epochs(spec), List.copyOf(entry.getValue())));
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

    /** All cells, by model, series, then epochs ascending. */
    public List<Cell> cells() {
        return cells;
    }

    /** The cells of one model and series ("ar", "ar+reg", "diffusion"), epochs ascending. */
    public List<Cell> cells(String model, String series) {
        return cells.stream().filter(c -> c.model().equals(model) && c.series().equals(series)).toList();
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

    /** The crossover of diffusion against every AR series of every model, for {@code metric}. */
    public List<Crossover> crossovers(Metric metric) {
        List<Crossover> found = new ArrayList<>();
        for (SweepSpec.ModelSpec model : spec.models()) {
            List<Cell> diffusion = cells(model.name(), "diffusion");
            for (String series : series(model.name())) {
                if (!series.startsWith("ar") || diffusion.isEmpty()) {
                    continue;
                }
                found.add(crossover(model.name(), series, metric, cells(model.name(), series), diffusion));
            }
        }
        return found;
    }

    private static Crossover crossover(String model, String arSeries, Metric metric, List<Cell> ar, List<Cell> diffusion) {
        List<double[]> gaps = new ArrayList<>(); // (epochs, d) with d > 0: diffusion ahead
        for (Cell a : ar) {
            for (Cell d : diffusion) {
                if (a.uniqueTokens() == d.uniqueTokens()) {
                    double gap = d.mean(metric) - a.mean(metric);
                    gaps.add(new double[] {a.epochs(), metric.higherIsBetter() ? gap : -gap});
                }
            }
        }
        gaps.sort(Comparator.comparingDouble(g -> g[0]));
        StringBuilder list = new StringBuilder();
        for (double[] gap : gaps) {
            list.append(list.isEmpty() ? "" : ", ").append(number(gap[0])).append(" ep ")
                    .append(String.format(Locale.ROOT, "%+.3f", metric.higherIsBetter() ? gap[1] : -gap[1]));
        }
        String versus = "diffusion vs " + arSeries + " (" + model + ") on " + metric.label();
        String tail = "; diffusion - AR by epochs: " + list;
        if (gaps.isEmpty()) {
            return new Crossover(model, arSeries, metric, Double.NaN, versus + ": no common U");
        }
        if (gaps.getFirst()[1] > 0) {
            return new Crossover(model, arSeries, metric, Double.NaN, String.format(Locale.ROOT,
                    "%s: diffusion is ahead already at %s epochs (no crossover inside the grid)%s%s", versus,
                    number(gaps.getFirst()[0]), reversal(gaps, 0), tail));
        }
        for (int i = 1; i < gaps.size(); i++) {
            double[] before = gaps.get(i - 1);
            double[] after = gaps.get(i);
            if (before[1] <= 0 && after[1] > 0) {
                double fraction = before[1] == after[1] ? 0 : before[1] / (before[1] - after[1]);
                double epochs = Math.exp(Math.log(before[0]) + (Math.log(after[0]) - Math.log(before[0])) * fraction);
                return new Crossover(model, arSeries, metric, epochs, String.format(Locale.ROOT,
                        "%s: AR is ahead or level up to %s epochs, diffusion ahead from %s epochs;"
                                + " crossover at about %s epochs (interpolated)%s%s", versus, number(before[0]),
                        number(after[0]), number(epochs), reversal(gaps, i), tail));
            }
        }
        return new Crossover(model, arSeries, metric, Double.NaN, String.format(Locale.ROOT,
                "%s: AR is ahead or level at every U up to %s epochs (no crossover within the budget)%s", versus,
                number(gaps.getLast()[0]), tail));
    }

    /** ", but AR is ahead again at E epochs" when a later grid point than {@code from} reverses the lead. */
    private static String reversal(List<double[]> gaps, int from) {
        for (int i = from + 1; i < gaps.size(); i++) {
            if (gaps.get(i)[1] <= 0) {
                return ", but AR is ahead or level again at " + number(gaps.get(i)[0]) + " epochs";
            }
        }
        return "";
    }

    /** {@code x} to 3 significant digits without trailing zeros: 3.0 -> "3", 12.5 -> "12.5", 2.828 -> "2.83". */
    public static String number(double x) {
        String text = String.format(Locale.ROOT, "%.3g", x);
        return text.contains("e") || !text.contains(".") ? text : text.replaceFirst("\\.?0+$", "");
    }

    /** "ar", "ar+reg" or "diffusion" of a run. */
    static String seriesOf(GridRun run) {
        return run.objective() + (run.regularizer() == null ? "" : "+" + run.regularizer().name());
    }

    /** Wall seconds of all finished runs of {@code seed}. */
    public double seconds(long seed) {
        return runs.stream().filter(f -> f.run().seed() == seed).mapToDouble(SweepRunner.FinishedRun::seconds).sum();
    }

    /** The seeds with finished runs, in spec order. */
    public List<Long> seeds() {
        return spec.seeds().stream().filter(s -> runs.stream().anyMatch(f -> Objects.equals(f.run().seed(), s))).toList();
    }
}
