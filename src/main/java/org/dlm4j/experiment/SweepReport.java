package org.dlm4j.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.dlm4j.eval.McBaselines;
import org.dlm4j.experiment.CrossoverAnalysis.Cell;
import org.dlm4j.experiment.CrossoverAnalysis.Comparison;
import org.dlm4j.experiment.CrossoverAnalysis.Metric;
import org.dlm4j.train.AtomicFiles;

/**
 * DIR/report.md: the sweep's settings; the like-for-like validation NLL per U with the paired
 * diffusion - AR difference and the seeds in which each ordering holds; the diffusion bound beside its
 * exact NLL; multiple choice against its baselines; every seed's numbers; wall times; the plots. The
 * tables are also what {@code dlm4j crossover docs} puts into the README ({@link #results}).
 */
public final class SweepReport {

    public static final String FILE = "report.md";

    private SweepReport() {
    }

    public static void write(Path dir, CrossoverAnalysis analysis) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE), markdown(analysis));
    }

    static String markdown(CrossoverAnalysis analysis) {
        SweepSpec spec = analysis.spec();
        StringBuilder md = new StringBuilder();
        md.append("# Crossover sweep `").append(spec.name()).append("`\n\n");
        md.append("AR vs masked diffusion at one training budget M = ").append(String.format(Locale.ROOT, "%,d",
                spec.totalTokens())).append(" tokens, repeating U unique tokens for M / U epochs ")
                .append("(Ni et al., 2025, \"Diffusion Language Models are Super Data Learners\").\n\n");
        settings(md, analysis);
        md.append(results(analysis, 2));
        md.append("## Every seed\n\nThe last evaluation point of every run (± standard errors over windows and,"
                + " for multiple choice, the bootstrap over stories).\n\n");
        md.append("| run | val NLL (exact) | val bound | MC accuracy | delta NLL | delta NLL gain | hard-tier accuracy |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (SweepRunner.FinishedRun run : analysis.runs()) {
            EvalPoint p = run.last();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", run.run().name(),
                    pm(p.valNll(), p.valNllSe(), 4), pm(p.valBound(), p.valBoundSe(), 4),
                    pm(p.mcAccuracy(), p.mcAccuracySe(), 3), pm(p.deltaNll(), p.deltaNllSe(), 3),
                    signed(p.deltaNllGain()), pm(p.mcHardAccuracy(), p.mcHardAccuracySe(), 3)));
        }
        md.append("\n## Wall time\n\n");
        for (long seed : analysis.seeds()) {
            md.append(String.format(Locale.ROOT, "- seed %d: %.1f min of run time for its %d runs (training and"
                    + " evaluation; runs trained side by side with --jobs overlap in time)%n", seed,
                    analysis.seconds(seed) / 60, analysis.runs().stream().filter(f -> f.run().seed() == seed).count()));
        }
        md.append("\n## Plots\n\n");
        md.append("Final validation NLL and MC accuracy vs epochs (means ± SE over seeds; dots: single seeds):\n\n![crossover](")
                .append(SweepPlots.CROSSOVER).append(")\n\n");
        md.append("Validation NLL over training, per U (AR left, diffusion right; dashed: the diffusion bound):\n\n"
                + "![curves](").append(SweepPlots.CURVES).append(")\n\n");
        md.append("Validation NLL, delta NLL and MC accuracy over training for the most and fewest epochs:\n\n"
                + "![overfitting](").append(SweepPlots.OVERFITTING).append(")\n");
        return md.toString();
    }

    /**
     * The result tables and crossover statements, headed at Markdown level {@code level} (2 = "##"): the
     * like-for-like NLL, the bound beside it, multiple choice. Shared by the report and the README block.
     */
    public static String results(CrossoverAnalysis analysis, int level) {
        SweepSpec spec = analysis.spec();
        String h = "#".repeat(level);
        StringBuilder md = new StringBuilder();
        for (SweepSpec.ModelSpec model : spec.models()) {
            String m = model.name();
            String suffix = spec.models().size() > 1 ? " (" + m + ")" : "";
            md.append(h).append(" Validation NLL, like for like").append(suffix).append("\n\n");
            md.append("Exact NLL in nats per byte of the same ").append(String.format(Locale.ROOT, "%,d",
                    (long) spec.valWindows() * (model.contextLength() - 1))).append(" validation tokens (positions 1..T-1 of ")
                    .append(spec.valWindows()).append(" windows of T = ").append(model.contextLength())
                    .append("), each given the same tokens before it: AR by its own factorisation, diffusion by the chain rule."
                            + " Mean ± standard error over seeds; the difference is paired by seed.\n\n");
            comparisonTable(md, analysis, m, Metric.VAL_NLL, 4);
            crossoverLines(md, analysis, m, Metric.VAL_NLL);

            md.append(h).append(" The diffusion bound beside its exact NLL").append(suffix).append("\n\n");
            md.append("LLaDA's evaluation estimator (llada-eval, K = ").append(spec.boundSamples())
                    .append(" samples per window) on the same tokens: an upper bound on the model's NLL. Comparing it with"
                            + " AR's exact NLL is not like for like.\n\n");
            md.append("| U (epochs) | diffusion NLL (chain rule) | diffusion bound | bound - NLL |\n|---|---|---|---|\n");
            for (Cell cell : analysis.cells(m, "diffusion")) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.4f |%n", grid(cell), pm(cell, Metric.VAL_NLL, 4),
                        pm(cell, Metric.VAL_BOUND, 4), cell.mean(Metric.VAL_BOUND) - cell.mean(Metric.VAL_NLL)));
            }
            md.append('\n');

            md.append(h).append(" Multiple choice").append(suffix).append("\n\n");
            McBaselines b = analysis.baselines();
            md.append("`").append(spec.mcFile()).append("`").append(spec.mcItems() > 0 ? " (first " + spec.mcItems()
                    + " items)" : "").append(": accuracy (chance ").append(b == null ? "1/endings"
                    : String.format(Locale.ROOT, "%.2f", b.chance())).append(")");
            if (b != null) {
                md.append(String.format(Locale.ROOT, "; rules that read nothing but the words score: shortest ending %.3f,"
                        + " most recently mentioned %.3f, most frequent words (unigram) %.3f", b.length(), b.recency(),
                        b.unigram()));
            }
            md.append(". ").append(spec.diffusionMcEstimator().monteCarlo() ? "Diffusion endings scored by the "
                    + spec.mcEstimator() + " bound (K = " + spec.mcSamples() + ")" : "Both objectives score endings exactly"
                    + " (diffusion by the chain rule)").append(", given the same context.\n\n");
            comparisonTable(md, analysis, m, Metric.MC_ACCURACY, 3);
            crossoverLines(md, analysis, m, Metric.MC_ACCURACY);
            md.append("Delta NLL = mean NLL of the wrong endings - NLL of the correct one (nats, larger is better);"
                    + " gain = its change since step 0.\n\n");
            comparisonTable(md, analysis, m, Metric.DELTA_NLL, 3);
            comparisonTable(md, analysis, m, Metric.DELTA_NLL_GAIN, 3);
            if (spec.mcHardFile() != null) {
                md.append("Hard tier (`").append(spec.mcHardFile()).append("`: answers before the window, or objects"
                        + " that moved with their holder):\n\n");
                comparisonTable(md, analysis, m, Metric.MC_HARD_ACCURACY, 3);
            }
        }
        return md.toString();
    }

    /** One row per U: every series' mean ± SE, then diffusion - AR (paired) and the seeds where each is ahead. */
    private static void comparisonTable(StringBuilder md, CrossoverAnalysis analysis, String model, Metric metric,
                                        int digits) {
        List<String> series = analysis.series(model);
        md.append("| U (epochs) |");
        series.forEach(s -> md.append(' ').append(s).append(" |"));
        md.append(" diffusion - ar | seeds |\n|---|");
        series.forEach(s -> md.append("---|"));
        md.append("---|---|\n");
        List<Comparison> comparisons = analysis.comparisons(model, "ar", metric);
        for (long u : analysis.spec().uniqueTokens().stream().sorted((a, b) -> Long.compare(b, a)).toList()) {
            Cell any = null;
            StringBuilder row = new StringBuilder();
            for (String s : series) {
                Cell cell = analysis.cell(model, s, u);
                any = any == null ? cell : any;
                row.append(' ').append(cell == null ? "" : pm(cell, metric, digits)).append(" |");
            }
            if (any == null) {
                continue;
            }
            Comparison c = comparisons.stream().filter(x -> x.uniqueTokens() == u).findFirst().orElse(null);
            md.append("| ").append(grid(any)).append(" |").append(row)
                    .append(c == null ? " | |" : " " + pm(c.mean(), c.standardError(), digits, true) + " | "
                            + CrossoverAnalysis.verdictWords(c) + " |").append('\n');
        }
        md.append('\n');
    }

    private static void crossoverLines(StringBuilder md, CrossoverAnalysis analysis, String model, Metric metric) {
        for (CrossoverAnalysis.Crossover crossover : analysis.crossovers(metric)) {
            if (crossover.model().equals(model)) {
                md.append("- ").append(crossover.description()).append('\n');
            }
        }
        md.append('\n');
    }

    private static void settings(StringBuilder md, CrossoverAnalysis analysis) {
        SweepSpec spec = analysis.spec();
        md.append("## Settings\n\n| setting | value |\n|---|---|\n");
        row(md, "data", "`" + spec.data() + "`");
        row(md, "objectives", String.join(", ", spec.objectives()));
        row(md, "unique tokens U", String.join(", ", spec.uniqueTokens().stream().sorted().map(u -> String.format(Locale.ROOT,
                "%,d (%s epochs)", u, CrossoverAnalysis.number((double) spec.totalTokens() / u))).toList()));
        for (SweepSpec.ModelSpec m : spec.models()) {
            row(md, "model " + m.name(), String.format(Locale.ROOT, "T %d, C %d, %d layers, %d heads, MLP %dx, %s positions;"
                    + " %d steps", m.contextLength(), m.dModel(), m.numLayers(), m.numHeads(), m.mlpRatio(), m.positions(),
                    spec.steps(m)));
        }
        row(md, "AR regularisers", spec.regularizers().isEmpty() ? "none" : String.join(", ", spec.regularizers().stream()
                .map(r -> String.format(Locale.ROOT, "%s (input mask %.2g, dropout %.2g; at U %s)", r.name(),
                        r.inputMaskRatio(), r.dropout(), r.uniqueTokens() == null ? "all" : r.uniqueTokens()))
                .toList()));
        row(md, "optimizer", String.format(Locale.ROOT, "AdamW, B %d, lr %.3g cosine to %.3g after %d warm-up steps,"
                + " weight decay %.3g", spec.batchSize(), spec.lr(), spec.minLr(), spec.warmupSteps(), spec.weightDecay()));
        row(md, "evaluation", spec.evalPoints() + " points per run after step 0; validation NLL on " + spec.valWindows()
                + " windows (exact for both), the diffusion bound with K = " + spec.boundSamples()
                + "; the trainer's val_loss on " + spec.evalBatches() + " batches");
        row(md, "multiple choice", "`" + spec.mcFile() + "`" + (spec.mcHardFile() == null ? "" : " and `"
                + spec.mcHardFile() + "`") + ", " + (spec.mcItems() == 0 ? "all" : "first " + spec.mcItems()) + " items");
        row(md, "seeds", spec.seeds().toString());
        md.append('\n');
    }

    /** "8,192 (1,536 ep)" */
    private static String grid(Cell cell) {
        return String.format(Locale.ROOT, "%,d (%s ep)", cell.uniqueTokens(), CrossoverAnalysis.number(cell.epochs()));
    }

    private static String pm(Cell cell, Metric metric, int digits) {
        return pm(cell.mean(metric), cell.standardError(metric), digits);
    }

    static String pm(double mean, double se, int digits) {
        return pm(mean, se, digits, false);
    }

    /** "1.2440 ± 0.0102", "+0.125 ± 0.020" when signed, "1.2440" without an SE, "" for NaN. */
    static String pm(double mean, double se, int digits, boolean signed) {
        if (Double.isNaN(mean)) {
            return "";
        }
        String value = String.format(Locale.ROOT, "%" + (signed ? "+" : "") + "." + digits + "f", mean);
        return Double.isNaN(se) ? value : value + String.format(Locale.ROOT, " ± %." + digits + "f", se);
    }

    private static String signed(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%+.3f", value);
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }
}
