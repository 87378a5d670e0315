package org.dlm4j.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.PreparedDataset;
import org.dlm4j.data.Tokenizer;
import org.dlm4j.eval.Estimator;
import org.dlm4j.eval.McOptions;
import org.dlm4j.eval.McResult;
import org.dlm4j.eval.MultipleChoiceEvaluator;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.Objectives;
import org.dlm4j.train.AtomicFiles;
import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.MetricsLog;
import org.dlm4j.train.Progress;
import org.dlm4j.train.TrainConfig;
import org.dlm4j.train.Trainer;

/**
 * Runs a {@link SweepSpec}'s grid into an output folder DIR:
 * <pre>
 *   DIR/sweep.json                 the spec ({@link SweepManifest})
 *   DIR/runs/&lt;run&gt;/               the {@link Trainer}'s folder (config.json, metrics.jsonl, checkpoint/)
 *   DIR/runs/&lt;run&gt;/evals.jsonl     one line per evaluation point: step, tokens, val_loss, mc_accuracy,
 *                                  delta_nll, seconds (wall time of the run so far)
 *   DIR/runs/&lt;run&gt;/done.json       written last, when the run is complete
 *   DIR/results.jsonl, results.csv every point of every finished run ({@link ResultsTable})
 * </pre>
 * Evaluation points: step 0 and every ceil(steps / eval_points) steps up to the end. At each the
 * trainer has just validated and written a checkpoint; this class adds the validation loss (the
 * trainer's fixed-noise number) and multiple-choice accuracy and delta NLL (diffusion: the paper
 * spec's mc_estimator: exact by the chain rule, or a bound with K = mc_samples draws from a fixed seed;
 * AR: exact).
 *
 * <p>Resuming: a run with done.json is skipped and never touched. A run with a checkpoint resumes
 * from it bit for bit (see {@link Trainer}); its evals.jsonl keeps the points up to the checkpoint
 * and a missing point at the checkpoint's step is evaluated from the restored weights. A run folder
 * without a checkpoint holds at most its step-0 point and is started again.
 */
public final class SweepRunner {

    public static final String RUNS_FOLDER = "runs";
    public static final String EVALS_FILE = "evals.jsonl";
    public static final String DONE_FILE = "done.json";
    /** Seeds the diffusion bound's mask draws in the multiple-choice evaluation, the same at every point. */
    public static final long MC_SEED = 0x3C_5EEDL;

    /** Decides after each recorded evaluation point whether the sweep stops there (tests, --max-runs). */
    @FunctionalInterface
    public interface StopRule {
        /** @param finished whether {@code run} has just completed (its last point) */
        boolean stopAfter(GridRun run, long step, boolean finished);

        StopRule NEVER = (run, step, finished) -> false;
    }

    /** A finished run: its evaluation points and the wall seconds it took (training and evaluation). */
    public record FinishedRun(GridRun run, List<EvalPoint> points, double seconds) {
        public EvalPoint last() {
            return points.getLast();
        }
    }

    /** What an invocation did: whether the whole grid is finished, and every finished run of the folder. */
    public record Outcome(boolean complete, int trained, int skipped, SweepSpec spec, List<FinishedRun> finished) {
        public List<EvalPoint> points() {
            return finished.stream().flatMap(f -> f.points().stream()).toList();
        }
    }

    private final SweepSpec requested;
    private final Path out;
    private final PrintWriter log;

    public SweepRunner(SweepSpec spec, Path out, PrintWriter log) {
        this.requested = spec;
        this.out = out;
        this.log = log;
    }

    /**
     * Runs (or continues) the requested seeds of the grid, then writes the results tables; when the
     * folder's whole grid is finished also the plots and report.md. Everything is validated before
     * the first file is written.
     */
    public Outcome run(StopRule stop) throws IOException {
        Path dataDir = Path.of(requested.data());
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("dataset folder " + dataDir + " does not exist");
        }
        try (PreparedDataset data = PreparedDataset.open(dataDir)) {
            for (long u : requested.uniqueTokens()) {
                if (u > data.train().length()) {
                    throw new IllegalArgumentException("unique tokens U=" + u + " exceed the " + data.train().length()
                            + " tokens of " + data.train().path());
                }
            }
            List<MultipleChoice> items = MultipleChoice.readJsonl(Path.of(requested.mcFile()));
            if (requested.mcItems() > 0 && requested.mcItems() < items.size()) {
                items = items.subList(0, requested.mcItems());
            }
            SweepSpec recorded = SweepManifest.claim(out, requested);
            int trained = 0;
            int skipped = 0;
            List<GridRun> mine = requested.runs();
            for (int i = 0; i < mine.size(); i++) {
                GridRun run = mine.get(i);
                Path dir = runFolder(run);
                if (Files.isRegularFile(dir.resolve(DONE_FILE))) {
                    skipped++;
                    log.printf(Locale.ROOT, "[%d/%d] %s: finished earlier, skipped%n", i + 1, mine.size(), run.name());
                    log.flush();
                    continue;
                }
                boolean finished = train(run, data, items, stop, "[" + (i + 1) + "/" + mine.size() + "] ");
                trained++;
                ResultsTable.write(out, finishedRuns(recorded).stream().flatMap(f -> f.points().stream()).toList());
                if (!finished || stop.stopAfter(run, requested.steps(run.model()), true)) {
                    return stopped(recorded, trained, skipped);
                }
            }
            // Another process may have added seeds to the manifest while these runs trained: re-read it,
            // or the last process to finish would write a report without the seeds claimed after it started.
            recorded = SweepManifest.claim(out, requested);
            List<FinishedRun> finished = finishedRuns(recorded);
            ResultsTable.write(out, finished.stream().flatMap(f -> f.points().stream()).toList());
            boolean complete = finished.size() == recorded.runs().size();
            if (complete) {
                CrossoverAnalysis analysis = new CrossoverAnalysis(recorded, finished);
                SweepPlots.write(out, analysis);
                SweepReport.write(out, analysis);
                log.println("wrote " + out.resolve(SweepReport.FILE));
            } else {
                log.printf(Locale.ROOT, "%d of %d runs of the folder's sweep are finished (seeds %s recorded);"
                        + " the report is written when all are%n", finished.size(), recorded.runs().size(),
                        recorded.seeds());
            }
            log.flush();
            return new Outcome(complete, trained, skipped, recorded, finished);
        }
    }

    private Outcome stopped(SweepSpec recorded, int trained, int skipped) throws IOException {
        log.println("stopped; run the same command again to continue");
        log.flush();
        return new Outcome(false, trained, skipped, recorded, finishedRuns(recorded));
    }

    /** The folder of {@code run}. */
    public Path runFolder(GridRun run) {
        return out.resolve(RUNS_FOLDER).resolve(run.name());
    }

    /** Trains {@code run} to its end (true) or until {@code stop} says so (false). */
    private boolean train(GridRun run, PreparedDataset data, List<MultipleChoice> items, StopRule stop, String label)
            throws IOException {
        Path dir = runFolder(run);
        TrainConfig config = run.trainConfig(requested, data.meta().vocabSize(), data.meta().maskId());
        Path evals = dir.resolve(EVALS_FILE);
        Trainer trainer;
        double secondsBefore = 0;
        if (Checkpoint.exists(dir)) {
            trainer = Trainer.resume(config, data, dir, Progress.silent());
            MetricsLog.keepUpToStep(evals, trainer.step());
            List<Map<String, Object>> kept = Files.exists(evals) ? MetricsLog.read(evals) : List.of();
            if (!kept.isEmpty() && kept.getLast().get("seconds") instanceof Number seconds) {
                secondsBefore = seconds.doubleValue();
            }
            log.printf(Locale.ROOT, "%s%s: resuming at step %d of %d%n", label, run.name(), trainer.step(), config.steps());
        } else {
            deleteTree(dir);
            trainer = Trainer.create(config, data, dir, Progress.silent());
            log.printf(Locale.ROOT, "%s%s: %,d parameters, %d steps, U=%,d, %.1f epochs%n", label, run.name(),
                    trainer.model().numParameters(), config.steps(), run.uniqueTokens(), run.epochs(requested));
        }
        log.flush();
        Objective objective = Objectives.create(trainer.config().objective(), trainer.config().objectiveOptions());
        Tokenizer tokenizer = data.tokenizer();
        Estimator mcEstimator = trainer.config().objective().equals("ar") ? null : requested.diffusionMcEstimator();
        McOptions mcOptions = new McOptions(mcEstimator, requested.mcSamples(), false, MC_SEED);
        long interval = run.evalInterval(requested);
        long steps = config.steps();
        long started = System.nanoTime();
        try (MetricsLog pointsLog = MetricsLog.open(evals)) {
            long last = lastStep(evals);
            while (true) {
                long step = trainer.step();
                if (step > last) {
                    double valLoss = trainer.validationLoss();
                    McResult mc = MultipleChoiceEvaluator.evaluate(trainer.model(), objective, items, tokenizer, mcOptions);
                    double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step);
                    line.put("tokens", step * config.batchSize() * config.contextLength());
                    line.put("val_loss", valLoss);
                    line.put("mc_accuracy", mc.accuracy());
                    line.put("delta_nll", mc.deltaNll());
                    line.put("seconds", Math.round(seconds * 10) / 10.0);
                    pointsLog.append(line);
                    last = step;
                    log.printf(Locale.ROOT, "%s%s: step %d/%d  val %.4f  mc %.3f  dNLL %+.4f  (%.0f s)%n", label,
                            run.name(), step, steps, valLoss, mc.accuracy(), mc.deltaNll(), seconds);
                    log.flush();
                }
                if (step >= steps) {
                    break;
                }
                if (stop.stopAfter(run, step, false)) {
                    return false;
                }
                trainer.runUntil(Math.min(steps, (step / interval + 1) * interval));
            }
        }
        List<Map<String, Object>> lines = MetricsLog.read(evals);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("run", run.name());
        done.put("steps", steps);
        done.put("seconds", lines.getLast().get("seconds"));
        AtomicFiles.writeString(dir.resolve(DONE_FILE), SweepSpec.JSON.writeValueAsString(done) + "\n");
        return true;
    }

    /** Every finished run of {@code spec}'s grid found in the folder, in grid order. */
    List<FinishedRun> finishedRuns(SweepSpec spec) throws IOException {
        List<FinishedRun> finished = new ArrayList<>();
        for (GridRun run : spec.runs()) {
            Path dir = runFolder(run);
            if (!Files.isRegularFile(dir.resolve(DONE_FILE))) {
                continue;
            }
            List<EvalPoint> points = new ArrayList<>();
            double seconds = 0;
            for (Map<String, Object> line : MetricsLog.read(dir.resolve(EVALS_FILE))) {
                points.add(new EvalPoint(run.name(), run.objective(), run.uniqueTokens(), run.epochs(spec),
                        run.model().name(), run.regularizerName(), run.seed(), ((Number) line.get("step")).longValue(),
                        ((Number) line.get("tokens")).longValue(), ((Number) line.get("val_loss")).doubleValue(),
                        ((Number) line.get("mc_accuracy")).doubleValue(), ((Number) line.get("delta_nll")).doubleValue()));
                seconds = ((Number) line.get("seconds")).doubleValue();
            }
            finished.add(new FinishedRun(run, points, seconds));
        }
        return finished;
    }

    private static long lastStep(Path evals) throws IOException {
        long last = -1;
        for (Map<String, Object> line : MetricsLog.read(evals)) {
            last = Math.max(last, ((Number) line.get("step")).longValue());
        }
        return last;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
