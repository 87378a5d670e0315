package org.dlm4j.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.PreparedDataset;
import org.dlm4j.device.DeviceEngine;
import org.dlm4j.eval.McBaselines;
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
 *   DIR/runs/&lt;run&gt;/evals.jsonl     one line per evaluation point: step, tokens, the measured columns of
 *                                  {@link EvalPoint}, seconds (wall time of the run so far)
 *   DIR/runs/&lt;run&gt;/done.json       written last, when the run is complete
 *   DIR/results.jsonl, results.csv every point of every finished run ({@link ResultsTable})
 *   DIR/report.md, *.png           once every run of the folder's grid is finished ({@link SweepReport})
 * </pre>
 * Evaluation points: step 0 and every ceil(steps / eval_points) steps up to the end. At each the
 * trainer has just validated and written a checkpoint; this class adds what {@link PointEvaluator}
 * measures.
 *
 * <p>Jobs: {@code jobs} runs train at once, each on its own thread (two small runs on two cores
 * use them better than one run split across both). Every run's numbers are the same whatever the
 * number of jobs and threads.
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

    /** Decides after each recorded evaluation point whether the sweep stops there (tests, --max-runs). */
    @FunctionalInterface
    public interface StopRule {
        /** @param finished whether {@code run} has just completed (its last point); called from the run's thread */
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
    private final int jobs;
    private DeviceEngine engine;

    /**
     * Trains every run's steps on {@code engine} (null: the CPU); evaluation stays on the host. A device
     * runs one run at a time, so give such a runner one job.
     */
    public SweepRunner onDevice(DeviceEngine engine) {
        if (engine != null && jobs != 1) {
            throw new IllegalArgumentException("a device trains one run at a time; use 1 job, not " + jobs);
        }
        this.engine = engine;
        return this;
    }

    /** A runner that trains one run at a time. */
    public SweepRunner(SweepSpec spec, Path out, PrintWriter log) {
        this(spec, out, log, 1);
    }

    /** A runner that trains up to {@code jobs} runs at once. */
    public SweepRunner(SweepSpec spec, Path out, PrintWriter log, int jobs) {
        if (jobs <= 0) {
            throw new IllegalArgumentException("jobs must be positive, got " + jobs);
        }
        this.requested = spec;
        this.out = out;
        this.log = log;
        this.jobs = jobs;
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
            int longest = requested.models().stream().mapToInt(SweepSpec.ModelSpec::contextLength).max().orElseThrow();
            long validationTokens = (long) requested.valWindows() * longest;
            if (validationTokens > data.val().length()) {
                throw new IllegalArgumentException("val_windows " + requested.valWindows() + " x T " + longest + " = "
                        + validationTokens + " tokens exceed the " + data.val().length() + " of " + data.val().path());
            }
            int[] validation = new int[Math.toIntExact(validationTokens)];
            data.val().read(0, validation);
            List<MultipleChoice> items = items(requested.mcFile());
            List<MultipleChoice> hardItems = requested.mcHardFile() == null ? List.of() : items(requested.mcHardFile());
            PointEvaluator evaluator = new PointEvaluator(requested, validation, items, hardItems, data.tokenizer());

            SweepSpec recorded = SweepManifest.claim(out, requested);
            List<GridRun> mine = requested.runs();
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                if (Files.isRegularFile(runFolder(mine.get(i)).resolve(DONE_FILE))) {
                    log.printf(Locale.ROOT, "[%d/%d] %s: finished earlier, skipped%n", i + 1, mine.size(),
                            mine.get(i).name());
                } else {
                    pending.add(i);
                }
            }
            log.flush();
            int trained = trainAll(mine, pending, data, evaluator, recorded, stop);
            if (trained < 0) {
                log.println("stopped; run the same command again to continue");
                log.flush();
                return new Outcome(false, -trained - 1, mine.size() - pending.size(), recorded, finishedRuns(recorded));
            }
            // Another process may have added seeds to the manifest while these runs trained: re-read it,
            // or the last process to finish would write a report without the seeds claimed after it started.
            recorded = SweepManifest.claim(out, requested);
            List<FinishedRun> finished = finishedRuns(recorded);
            ResultsTable.write(out, finished.stream().flatMap(f -> f.points().stream()).toList());
            boolean complete = finished.size() == recorded.runs().size();
            if (complete) {
                int window = recorded.models().getFirst().contextLength();
                CrossoverAnalysis analysis = new CrossoverAnalysis(recorded, finished,
                        McBaselines.score(items, data.tokenizer(), window, data.train()));
                SweepPlots.write(out, analysis);
                SweepReport.write(out, analysis);
                log.println("wrote " + out.resolve(SweepReport.FILE));
            } else {
                log.printf(Locale.ROOT, "%d of %d runs of the folder's sweep are finished (seeds %s recorded);"
                        + " the report is written when all are%n", finished.size(), recorded.runs().size(),
                        recorded.seeds());
            }
            log.flush();
            return new Outcome(complete, trained, mine.size() - pending.size(), recorded, finished);
        }
    }

    /**
     * Trains the pending runs with {@code jobs} workers, each taking the next run in grid order.
     *
     * @return how many runs were trained (to their end, or until the sweep stopped), or -(that + 1) when it
     *         stopped early
     */
    private int trainAll(List<GridRun> mine, List<Integer> pending, PreparedDataset data, PointEvaluator evaluator,
                         SweepSpec recorded, StopRule stop) throws IOException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger trained = new AtomicInteger();
        AtomicBoolean stopping = new AtomicBoolean();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Runnable worker = () -> {
            while (!stopping.get()) {
                int k = next.getAndIncrement();
                if (k >= pending.size()) {
                    return;
                }
                int i = pending.get(k);
                GridRun run = mine.get(i);
                try {
                    String label = "[" + (i + 1) + "/" + mine.size() + "] ";
                    StopRule early = (r, step, finished) -> stopping.get() || stop.stopAfter(r, step, finished);
                    boolean finished = train(run, data, evaluator, early, label);
                    trained.incrementAndGet();
                    if (finished) {
                        writeTables(recorded);
                    }
                    if (!finished || stop.stopAfter(run, requested.steps(run.model()), true)) {
                        stopping.set(true);
                    }
                } catch (IOException | RuntimeException | Error e) {
                    failures.add(e);
                    stopping.set(true);
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int j = 1; j < Math.min(jobs, pending.size()); j++) {
            Thread thread = new Thread(worker, "sweep-job-" + j);
            thread.start();
            helpers.add(thread);
        }
        worker.run();
        for (Thread thread : helpers) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the sweep's jobs", e);
            }
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            switch (first) {
                case IOException e -> throw e;
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException(first);
            }
        }
        return stopping.get() ? -trained.get() - 1 : trained.get();
    }

    private synchronized void writeTables(SweepSpec recorded) throws IOException {
        ResultsTable.write(out, finishedRuns(recorded).stream().flatMap(f -> f.points().stream()).toList());
    }

    /** The folder of {@code run}. */
    public Path runFolder(GridRun run) {
        return out.resolve(RUNS_FOLDER).resolve(run.name());
    }

    /** Trains {@code run} to its end (true) or until {@code stop} says so (false). */
    private boolean train(GridRun run, PreparedDataset data, PointEvaluator evaluator, StopRule stop, String label)
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
            say("%s%s: resuming at step %d of %d", label, run.name(), trainer.step(), config.steps());
        } else {
            deleteTree(dir);
            trainer = Trainer.create(config, data, dir, Progress.silent());
            say("%s%s: %,d parameters, %d steps, U=%,d, %.1f epochs", label, run.name(),
                    trainer.model().numParameters(), config.steps(), run.uniqueTokens(), run.epochs(requested));
        }
        trainer.useDevice(engine);
        try {
            return trainAndEvaluate(run, trainer, config, evaluator, stop, label, evals, dir, secondsBefore);
        } finally {
            trainer.releaseDevice();
        }
    }

    /** The body of {@link #train}: training to each evaluation point, evaluating, and the run's done file. */
    private boolean trainAndEvaluate(GridRun run, Trainer trainer, TrainConfig config, PointEvaluator evaluator,
                                     StopRule stop, String label, Path evals, Path dir, double secondsBefore)
            throws IOException {
        Objective objective = Objectives.create(trainer.config().objective(), trainer.config().objectiveOptions());
        long interval = run.evalInterval(requested);
        long steps = config.steps();
        long started = System.nanoTime();
        try (MetricsLog pointsLog = MetricsLog.open(evals)) {
            List<Map<String, Object>> earlier = MetricsLog.read(evals);
            long last = earlier.isEmpty() ? -1 : ((Number) earlier.getLast().get("step")).longValue();
            double startDeltaNll = earlier.isEmpty() ? Double.NaN : ((Number) earlier.getFirst().get("delta_nll")).doubleValue();
            while (true) {
                long step = trainer.step();
                if (step > last) {
                    double valLoss = trainer.validationLoss();
                    Map<String, Double> measured = evaluator.evaluate(trainer.model(), objective, step == 0 || step == steps);
                    if (step == 0) {
                        startDeltaNll = measured.get("delta_nll");
                    }
                    double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step);
                    line.put("tokens", step * config.batchSize() * config.contextLength());
                    line.put("val_loss", valLoss);
                    measured.forEach((key, value) -> line.put(key, Double.isNaN(value) ? null : value));
                    line.put("delta_nll_gain", measured.get("delta_nll") - startDeltaNll);
                    line.put("seconds", Math.round(seconds * 10) / 10.0);
                    pointsLog.append(line);
                    last = step;
                    say("%s%s: step %d/%d  val_nll %.4f  mc %.3f  dNLL %+.4f  (%.0f s)", label, run.name(), step, steps,
                            measured.get("val_nll"), measured.get("mc_accuracy"), measured.get("delta_nll"), seconds);
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

    private void say(String format, Object... args) {
        synchronized (log) {
            log.printf(Locale.ROOT, format + "%n", args);
            log.flush();
        }
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
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("run", run.name());
                row.put("objective", run.objective());
                row.put("unique_tokens", run.uniqueTokens());
                row.put("epochs", run.epochs(spec));
                row.put("model", run.model().name());
                row.put("regularizer", run.regularizerName());
                row.put("seed", run.seed());
                row.putAll(line);
                points.add(EvalPoint.fromMap(row));
                seconds = ((Number) line.get("seconds")).doubleValue();
            }
            finished.add(new FinishedRun(run, points, seconds));
        }
        return finished;
    }

    /** The items of {@code file}, the first mc_items of them when the spec limits them. */
    private List<MultipleChoice> items(String file) {
        List<MultipleChoice> items = MultipleChoice.readJsonl(Path.of(file));
        int limit = requested.mcItems();
        return limit > 0 && limit < items.size() ? items.subList(0, limit) : items;
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
