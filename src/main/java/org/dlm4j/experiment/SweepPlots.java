package org.dlm4j.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Stroke;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.dlm4j.eval.McBaselines;
import org.dlm4j.train.AtomicFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The sweep's three PNG plots (JFreeChart, drawn headless), for the first model size and plain runs
 * unless said otherwise; curves are means over seeds at each step:
 * <ol>
 *   <li>{@value #CROSSOVER}: final validation NLL (exact for both objectives, like for like) and MC
 *       accuracy vs epochs (log axis) for every series of every model: means with error bars of one
 *       standard error over seeds, single seeds as faint dots, and a crossover marked only where it
 *       holds in every seed ({@link CrossoverAnalysis}).</li>
 *   <li>{@value #CURVES}: validation NLL vs training tokens, one line per U, AR and diffusion side by side
 *       on one axis; the diffusion panel adds its bound, dashed.</li>
 *   <li>{@value #OVERFITTING}: validation NLL, delta NLL gain and MC accuracy over training for the fewest
 *       and the most epochs, both objectives: does a rising validation NLL go with a falling delta NLL?</li>
 * </ol>
 */
public final class SweepPlots {

    public static final String CURVES = "curves.png";
    public static final String CROSSOVER = "crossover.png";
    public static final String OVERFITTING = "overfitting.png";
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 700;

    private static final Color AR = new Color(0xD6, 0x27, 0x28);
    private static final Color DIFFUSION = new Color(0x1F, 0x77, 0xB4);
    private static final Color[] MORE = {new Color(0xFF, 0x7F, 0x0E), new Color(0x2C, 0xA0, 0x2C),
        new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B), new Color(0xE3, 0x77, 0xC2)};
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Stroke SOLID = new BasicStroke(2.5f);
    private static final Stroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {8f, 5f}, 0f);

    private SweepPlots() {
    }

    /** Writes the three PNGs into {@code dir}. */
    public static void write(Path dir, CrossoverAnalysis analysis) throws IOException {
        System.setProperty("java.awt.headless", "true");
        save(dir.resolve(CROSSOVER), crossover(analysis));
        save(dir.resolve(CURVES), curves(analysis));
        save(dir.resolve(OVERFITTING), overfitting(analysis));
    }

    /** Writes only the crossover plot, to {@code file} (for a document). */
    public static void writeCrossover(Path file, CrossoverAnalysis analysis) throws IOException {
        System.setProperty("java.awt.headless", "true");
        save(file, crossover(analysis));
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }

    static JFreeChart curves(CrossoverAnalysis analysis) {
        SweepSpec spec = analysis.spec();
        String model = spec.models().getFirst().name();
        NumberAxis loss = new NumberAxis("validation NLL (nats/token)");
        loss.setAutoRangeIncludesZero(false);
        CombinedRangeXYPlot plot = new CombinedRangeXYPlot(loss);
        List<Long> us = spec.uniqueTokens().stream().sorted().toList();
        for (String objective : List.of("ar", "diffusion")) {
            if (!analysis.series(model).contains(objective)) {
                continue;
            }
            XYSeriesCollection data = new XYSeriesCollection();
            List<Boolean> dashed = new ArrayList<>();
            for (CrossoverAnalysis.Metric metric : objective.equals("ar") ? List.of(CrossoverAnalysis.Metric.VAL_NLL)
                    : List.of(CrossoverAnalysis.Metric.VAL_NLL, CrossoverAnalysis.Metric.VAL_BOUND)) {
                for (long u : us) {
                    XYSeries series = meanCurve(analysis.runs(model, objective, u), metric,
                            String.format(Locale.ROOT, "%s%s U=%s (%s ep)", objective,
                                    metric == CrossoverAnalysis.Metric.VAL_BOUND ? " bound" : "", tokens(u),
                                    CrossoverAnalysis.number((double) spec.totalTokens() / u)));
                    if (series.getItemCount() > 0) {
                        data.addSeries(series);
                        dashed.add(metric == CrossoverAnalysis.Metric.VAL_BOUND);
                    }
                }
            }
            XYLineAndShapeRenderer renderer = renderer();
            for (int i = 0; i < data.getSeriesCount(); i++) {
                renderer.setSeriesPaint(i, shade(objective.equals("ar") ? AR : DIFFUSION, i % us.size(), us.size()));
                renderer.setSeriesStroke(i, dashed.get(i) ? DASHED : SOLID);
            }
            NumberAxis x = new NumberAxis((objective.equals("ar") ? "AR (exact NLL)"
                    : "diffusion (exact NLL by the chain rule; dashed: its bound)") + ": training tokens");
            plot.add(new XYPlot(data, x, null, renderer), 1);
        }
        return chart(plot, "Validation NLL vs training tokens at M = " + tokens(spec.totalTokens())
                + " (" + model + ", mean of " + analysis.seeds().size() + " seed(s))");
    }

    static JFreeChart crossover(CrossoverAnalysis analysis) {
        SweepSpec spec = analysis.spec();
        LogAxis epochs = new LogAxis("epochs = M / U (log scale)");
        epochs.setBase(2);
        epochs.setSmallestValue(0.5);
        epochs.setTickUnit(new NumberTickUnit(1), false, true); // one tick per doubling of the epochs
        epochs.setNumberFormatOverride(new DecimalFormat("0.##")); // label the value (1, 2, 4, ...), not 2^k
        epochs.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        for (CrossoverAnalysis.Metric metric : List.of(CrossoverAnalysis.Metric.VAL_NLL,
                CrossoverAnalysis.Metric.MC_ACCURACY)) {
            YIntervalSeriesCollection means = new YIntervalSeriesCollection();
            XYSeriesCollection seeds = new XYSeriesCollection();
            List<Paint> paints = new ArrayList<>();
            List<Stroke> strokes = new ArrayList<>();
            int extra = 0;
            for (int m = 0; m < spec.models().size(); m++) {
                String model = spec.models().get(m).name();
                for (String series : analysis.series(model)) {
                    String label = series + (spec.models().size() > 1 ? " (" + model + ")" : "");
                    YIntervalSeries mean = new YIntervalSeries(label, true, true);
                    XYSeries single = new XYSeries(label + " seeds", false, true);
                    for (CrossoverAnalysis.Cell cell : analysis.cells(model, series)) {
                        double value = cell.mean(metric);
                        double error = cell.standardError(metric);
                        error = Double.isNaN(error) ? 0 : error;
                        mean.add(cell.epochs(), value, value - error, value + error);
                        for (EvalPoint point : cell.finals()) {
                            single.add(cell.epochs(), metric.of(point));
                        }
                    }
                    means.addSeries(mean);
                    seeds.addSeries(single);
                    paints.add(series.equals("ar") ? AR : series.equals("diffusion") ? DIFFUSION
                            : MORE[extra++ % MORE.length]);
                    strokes.add(m == 0 ? SOLID : DASHED);
                }
            }
            NumberAxis y = new NumberAxis("final " + metric.label());
            y.setAutoRangeIncludesZero(false);
            XYErrorRenderer meanRenderer = new XYErrorRenderer();
            meanRenderer.setDefaultLinesVisible(true);
            meanRenderer.setDrawXError(false);
            meanRenderer.setCapLength(8);
            meanRenderer.setErrorStroke(new BasicStroke(1.5f));
            meanRenderer.setAutoPopulateSeriesStroke(false);
            XYPlot sub = new XYPlot(means, null, y, meanRenderer);
            XYLineAndShapeRenderer seedRenderer = new XYLineAndShapeRenderer(false, true);
            boolean legend = plot.getSubplots().isEmpty(); // one legend entry per series, from the first panel
            for (int i = 0; i < paints.size(); i++) {
                meanRenderer.setSeriesVisibleInLegend(i, legend);
                meanRenderer.setSeriesPaint(i, paints.get(i));
                meanRenderer.setSeriesStroke(i, strokes.get(i));
                Color c = (Color) paints.get(i);
                seedRenderer.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
                seedRenderer.setSeriesVisibleInLegend(i, false);
            }
            sub.setDataset(1, seeds);
            sub.setRenderer(1, seedRenderer);
            if (metric == CrossoverAnalysis.Metric.MC_ACCURACY) {
                McBaselines baselines = analysis.baselines();
                sub.addRangeMarker(line(baselines == null ? 0.25 : baselines.chance(), "chance", Color.GRAY));
                if (baselines != null) {
                    sub.addRangeMarker(line(baselines.recency(), "most recently mentioned place", Color.DARK_GRAY));
                }
            }
            for (CrossoverAnalysis.Crossover crossover : analysis.crossovers(metric)) {
                if (Double.isFinite(crossover.epochs()) && crossover.arSeries().equals("ar")) {
                    ValueMarker marker = new ValueMarker(crossover.epochs());
                    marker.setPaint(Color.BLACK);
                    marker.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {4f, 4f}, 0f));
                    marker.setLabel(String.format(Locale.ROOT, "crossover (every seed)%s ~%s ep",
                            spec.models().size() > 1 ? " " + crossover.model() : "", CrossoverAnalysis.number(crossover.epochs())));
                    marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                    marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                    marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
                    sub.addDomainMarker(marker);
                }
            }
            plot.add(sub, 1);
        }
        return chart(plot, "Final validation NLL (exact) and MC accuracy vs epochs at M = " + tokens(spec.totalTokens())
                + " (mean ± SE of " + analysis.seeds().size() + " seed(s); dots: single seeds)");
    }

    /** A horizontal line across a panel, labelled at its right end. */
    private static ValueMarker line(double value, String label, Color color) {
        ValueMarker marker = new ValueMarker(value);
        marker.setPaint(color);
        marker.setLabel(String.format(Locale.ROOT, "%s %.2f", label, value));
        marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        return marker;
    }

    static JFreeChart overfitting(CrossoverAnalysis analysis) {
        SweepSpec spec = analysis.spec();
        String model = spec.models().getFirst().name();
        long fewest = spec.uniqueTokens().stream().mapToLong(Long::longValue).max().orElseThrow();
        long most = spec.uniqueTokens().stream().mapToLong(Long::longValue).min().orElseThrow();
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("training tokens"));
        for (CrossoverAnalysis.Metric metric : List.of(CrossoverAnalysis.Metric.VAL_NLL,
                CrossoverAnalysis.Metric.DELTA_NLL_GAIN, CrossoverAnalysis.Metric.MC_ACCURACY)) {
            XYSeriesCollection data = new XYSeriesCollection();
            List<Paint> paints = new ArrayList<>();
            List<Boolean> dashed = new ArrayList<>();
            for (long u : new long[] {most, fewest}) {
                for (String objective : List.of("ar", "diffusion")) {
                    XYSeries series = meanCurve(analysis.runs(model, objective, u), metric,
                            String.format(Locale.ROOT, "%s U=%s (%s ep)", objective, tokens(u),
                                    CrossoverAnalysis.number((double) spec.totalTokens() / u)));
                    if (series.getItemCount() > 0 && data.getSeriesIndex(series.getKey()) < 0) {
                        data.addSeries(series);
                        paints.add(objective.equals("ar") ? AR : DIFFUSION);
                        dashed.add(u != most);
                    }
                }
            }
            NumberAxis y = new NumberAxis(metric.label());
            y.setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer renderer = renderer();
            boolean legend = plot.getSubplots().isEmpty(); // the other panels repeat the first one's series
            for (int i = 0; i < paints.size(); i++) {
                renderer.setSeriesVisibleInLegend(i, legend);
                renderer.setSeriesPaint(i, paints.get(i));
                renderer.setSeriesStroke(i, dashed.get(i) ? DASHED : SOLID);
            }
            plot.add(new XYPlot(data, null, y, renderer), 1);
        }
        return chart(plot, "Over training: validation NLL, delta NLL gain and MC accuracy, most epochs (solid) and"
                + " fewest (dashed) (" + model + ")");
    }

    /** The mean over runs (seeds) of {@code metric} at each step, against training tokens (NaN values skipped). */
    private static XYSeries meanCurve(List<SweepRunner.FinishedRun> runs, CrossoverAnalysis.Metric metric, String key) {
        Map<Long, double[]> byTokens = new TreeMap<>();
        for (SweepRunner.FinishedRun run : runs) {
            for (EvalPoint point : run.points()) {
                if (Double.isNaN(metric.of(point))) {
                    continue;
                }
                double[] sum = byTokens.computeIfAbsent(point.tokens(), t -> new double[2]);
                sum[0] += metric.of(point);
                sum[1]++;
            }
        }
        XYSeries series = new XYSeries(key, true, false);
        for (Map.Entry<Long, double[]> entry : byTokens.entrySet()) {
            series.add(entry.getKey().doubleValue(), entry.getValue()[0] / entry.getValue()[1]);
        }
        return series;
    }

    private static XYLineAndShapeRenderer renderer() {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDefaultStroke(new BasicStroke(2.5f));
        renderer.setAutoPopulateSeriesStroke(false);
        return renderer;
    }

    /** From light (i = 0) to the full colour (i = n - 1): more unique tokens drawn darker. */
    private static Color shade(Color base, int i, int n) {
        double light = n <= 1 ? 0 : 0.65 * (n - 1 - i) / (n - 1);
        return new Color((int) (base.getRed() + (255 - base.getRed()) * light),
                (int) (base.getGreen() + (255 - base.getGreen()) * light),
                (int) (base.getBlue() + (255 - base.getBlue()) * light));
    }

    private static JFreeChart chart(org.jfree.chart.plot.Plot plot, String title) {
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setTitle(new TextTitle(title, TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        if (plot instanceof CombinedDomainXYPlot combined) {
            combined.getSubplots().forEach(p -> style((XYPlot) p));
        } else if (plot instanceof CombinedRangeXYPlot combined) {
            combined.getSubplots().forEach(p -> style((XYPlot) p));
        }
        return chart;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        ValueAxis axis = plot.getRangeAxis();
        if (axis != null) {
            axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        }
    }

    /** 8192 -> "8k", 409600 -> "400k", 2000000 -> "2M" (binary k for multiples of 1024). */
    static String tokens(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + "Mi";
        }
        if (n >= 1_000_000 && n % 100_000 == 0) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6).replace(".0M", "M");
        }
        if (n >= 1024 && n % 1024 == 0) {
            return (n >> 10) + "k";
        }
        return String.format(Locale.ROOT, "%,d", n);
    }
}
