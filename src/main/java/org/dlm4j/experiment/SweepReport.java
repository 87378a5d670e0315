package org.dlm4j.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.dlm4j.train.AtomicFiles;

/**
 * DIR/report.md: the sweep's settings, a table per U of final numbers (mean over seeds and each
 * seed), where diffusion overtook AR on each metric, wall times, and the three plots embedded.
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
        md.append("## Settings\n\n| setting | value |\n|---|---|\n");
        row(md, "data", "`" + spec.data() + "`");
        row(md, "multiple choice", "`" + spec.mcFile() + "`, " + (spec.mcItems() == 0 ? "all" : "first " + spec.mcItems())
                + " items; " + (spec.diffusionMcEstimator().monteCarlo()
                        ? "diffusion scored by the " + spec.mcEstimator() + " bound with K = " + spec.mcSamples()
                        + " samples (fixed seed)" : "diffusion scored exactly by the chain rule") + ", AR exactly");
        row(md, "objectives", String.join(", ", spec.objectives()));
        row(md, "unique tokens U", String.join(", ", spec.uniqueTokens().stream().sorted().map(u -> String.format(Locale.ROOT,
                "%,d (%s epochs)", u, CrossoverAnalysis.number((double) spec.totalTokens() / u))).toList()));
        for (SweepSpec.ModelSpec m : spec.models()) {
            row(md, "model " + m.name(), String.format(Locale.ROOT, "T %d, C %d, %d layers, %d heads, MLP %dx; %d steps",
                    m.contextLength(), m.dModel(), m.numLayers(), m.numHeads(), m.mlpRatio(), spec.steps(m)));
        }
        row(md, "AR regularisers", spec.regularizers().isEmpty() ? "none" : String.join(", ", spec.regularizers().stream()
                .map(r -> String.format(Locale.ROOT, "%s (input mask %.2g, dropout %.2g)", r.name(), r.inputMaskRatio(),
                        r.dropout())).toList()));
        row(md, "optimizer", String.format(Locale.ROOT, "AdamW, B %d, lr %.3g cosine to %.3g after %d warm-up steps,"
                + " weight decay %.3g", spec.batchSize(), spec.lr(), spec.minLr(), spec.warmupSteps(), spec.weightDecay()));
        row(md, "evaluation", spec.evalPoints() + " points per run after step 0, " + spec.evalBatches()
                + " validation batches (AR exact NLL; diffusion the bound, fixed noise)");
        row(md, "seeds", spec.seeds().toString());
        md.append('\n');

        md.append("## Where diffusion overtakes AR\n\n");
        for (CrossoverAnalysis.Metric metric : List.of(CrossoverAnalysis.Metric.MC_ACCURACY,
                CrossoverAnalysis.Metric.DELTA_NLL, CrossoverAnalysis.Metric.VAL_LOSS)) {
            for (CrossoverAnalysis.Crossover crossover : analysis.crossovers(metric)) {
                md.append("- ").append(crossover.description()).append(metric == CrossoverAnalysis.Metric.VAL_LOSS
                        ? " (bound vs exact NLL: not like-for-like)" : "").append('\n');
            }
        }
        md.append('\n');

        md.append("## Final numbers per U\n\n");
        md.append("Last evaluation point of each run; mean over seeds, then each seed. ")
                .append("delta NLL = mean NLL of wrong endings - NLL of the correct one (nats, larger is better).\n\n");
        List<Long> us = spec.uniqueTokens().stream().sorted().toList();
        for (long u : us) {
            md.append(String.format(Locale.ROOT, "### U = %,d (%s epochs)%n%n", u, CrossoverAnalysis.number((double) spec.totalTokens() / u)));
            md.append("| model | series | val loss | MC accuracy | delta NLL | per seed: accuracy / delta NLL |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (CrossoverAnalysis.Cell cell : analysis.cells()) {
                if (cell.uniqueTokens() != u) {
                    continue;
                }
                StringBuilder seeds = new StringBuilder();
                for (EvalPoint p : cell.finals()) {
                    seeds.append(seeds.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "s%d: %.3f / %+.4f",
                            p.seed(), p.mcAccuracy(), p.deltaNll()));
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.3f | %+.4f | %s |%n", cell.model(),
                        cell.series(), cell.mean(CrossoverAnalysis.Metric.VAL_LOSS),
                        cell.mean(CrossoverAnalysis.Metric.MC_ACCURACY), cell.mean(CrossoverAnalysis.Metric.DELTA_NLL),
                        seeds));
            }
            md.append('\n');
        }

        md.append("## Wall time\n\n");
        for (long seed : analysis.seeds()) {
            md.append(String.format(Locale.ROOT, "- seed %d: %.1f min for its %d runs (training and evaluation)%n", seed,
                    analysis.seconds(seed) / 60, analysis.runs().stream().filter(f -> f.run().seed() == seed).count()));
        }
        md.append('\n');

        md.append("## Plots\n\n");
        md.append("Validation loss over training, per U (AR left, diffusion right):\n\n![curves](")
                .append(SweepPlots.CURVES).append(")\n\n");
        md.append("Final MC accuracy and delta NLL vs epochs, crossover marked:\n\n![crossover](")
                .append(SweepPlots.CROSSOVER).append(")\n\n");
        md.append("Validation loss and delta NLL over training for the most and fewest epochs:\n\n![overfitting](")
                .append(SweepPlots.OVERFITTING).append(")\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }
}
