package org.dlm4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.data.DataConstrainedSampler;
import org.dlm4j.data.PreparedDataset;
import org.dlm4j.data.ValidationBatches;
import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.nn.Module;
import org.dlm4j.objective.Loss;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.Objectives;
import org.dlm4j.tensor.Tensor;

/**
 * Trains a {@link Transformer} with an {@link Objective} under the data-constrained protocol and
 * writes everything a run leaves behind into its output folder OUT:
 * <pre>
 *   OUT/config.json      the concrete config (for people; the checkpoint keeps its own copy)
 *   OUT/metrics.jsonl    train lines {step, tokens, epoch, train_loss, lr, tokens_per_s}
 *                        and validation lines {step, tokens, val_loss}
 *   OUT/checkpoint/      see {@link Checkpoint}
 * </pre>
 *
 * <p>One optimizer step s (1-based):
 * <ol>
 *   <li>B windows of T + 1 tokens from the {@link DataConstrainedSampler} (U unique tokens, budget M);</li>
 *   <li>{@code loss = objective.loss(model, windows, B, T, Seeds.step(seed, s))}: the step's noise
 *       (masks, dropout) comes from a generator that depends only on (seed, s);</li>
 *   <li>backward, clip the global gradient norm, AdamW with {@code lr = schedule.at(s − 1)}, zero the grads.</li>
 * </ol>
 * Validation runs at step 0, every {@code evalInterval} steps and at the end, in evaluation mode,
 * on the same val.bin batches with a fresh {@code Rng(EVAL_SEED)} each time, so every point uses
 * the same noise and points are comparable (AR: exact NLL; diffusion: the objective's bound).
 * A checkpoint is written every {@code checkpointInterval} steps and at the end.
 *
 * <p>Exact resume: weights, AdamW moments and step count, and the sampler position are restored
 * bit for bit; the step noise is a function of (seed, step); validation never touches training
 * state. So a run resumed from step k repeats the uninterrupted run's losses exactly.
 *
 * <p>Non-finite guard: a NaN or infinite loss or gradient norm stops the run before the update is
 * applied, with a {@link TrainingDivergedException} saying which checkpoint was kept.
 */
public final class Trainer {

    /** Seeds the validation noise; fixed for every run so that validation points are comparable. */
    public static final long EVAL_SEED = 0x5EED_E7A1L;
    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String CONFIG_FILE = "config.json";

    /** What a finished (or stopped) run reports. */
    public record Summary(long step, long tokens, double trainLoss, double valLoss, double seconds,
                          double tokensPerSecond) {
    }

    private final TrainConfig config;
    private final Path out;
    private final Progress progress;
    private final Transformer model;
    private final Objective objective;
    private final AdamWOptimizer optimizer;
    private final DataConstrainedSampler sampler;
    private final ValidationBatches validation;
    private final LrSchedule schedule;
    private final Checkpoint.DataIdentity dataIdentity;
    private long step;
    private long lastCheckpointStep = -1;
    private double lastTrainLoss = Double.NaN;
    private double lastValLoss = Double.NaN;

    private Trainer(TrainConfig config, PreparedDataset data, Path out, Progress progress) {
        this.config = config;
        this.out = out;
        this.progress = progress;
        this.objective = Objectives.create(config.objective(), config.objectiveOptions());
        this.sampler = new DataConstrainedSampler(data.train(), config.uniqueTokens(), config.totalTokens(),
                config.batchSize(), config.contextLength(), Seeds.data(config.seed()));
        this.validation = new ValidationBatches(data.val(), config.batchSize(), config.contextLength(),
                config.evalBatches());
        this.model = new Transformer(config.model(), Seeds.init(config.seed()));
        this.optimizer = new AdamWOptimizer(model, config.beta1(), config.beta2(), config.adamEps(),
                config.weightDecay());
        this.schedule = config.lrSchedule();
        this.dataIdentity = identity(data);
    }

    /**
     * A new run of {@code config} (made concrete for {@code data}, see {@link TrainConfig#forData})
     * into {@code out}, which must not exist or be empty. Everything is checked before the folder
     * is created, so a bad argument leaves no files behind.
     */
    public static Trainer create(TrainConfig config, PreparedDataset data, Path out, Progress progress)
            throws IOException {
        TrainConfig concrete = concrete(config, data);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("output " + out + " exists and is not a folder");
        }
        if (!Checkpoint.isEmptyFolder(out)) {
            throw new IllegalArgumentException("output folder " + out + " is not empty; resume the run in it with"
                    + " --resume or choose another folder");
        }
        Trainer trainer = new Trainer(concrete, data, out, progress);
        createFolder(out);
        AtomicFiles.writeString(out.resolve(CONFIG_FILE), TrainConfigJson.toJson(concrete) + "\n");
        return trainer;
    }

    /**
     * Removes what {@link #create} and the first steps wrote into {@code out} when the run failed before
     * its first checkpoint (out of memory, an I/O error): such a folder could neither be resumed (no
     * checkpoint) nor reused (not empty). A run with a checkpoint is left alone; so is anything else the
     * folder holds, and the folder itself unless it ends up empty.
     */
    public static void discardUnstarted(Path out) throws IOException {
        if (Checkpoint.exists(out)) {
            return;
        }
        Files.deleteIfExists(out.resolve(CONFIG_FILE));
        Files.deleteIfExists(out.resolve(METRICS_FILE));
        if (Checkpoint.isEmptyFolder(out)) {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Continues the run in {@code out} from its checkpoint. {@code requested} (null: take the
     * checkpoint's) must equal the checkpoint's config once made concrete for {@code data};
     * otherwise a one-line error names the first differing field. Metrics past the checkpoint's
     * step are dropped from metrics.jsonl, as the resumed run writes them again.
     */
    public static Trainer resume(TrainConfig requested, PreparedDataset data, Path out, Progress progress)
            throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(out);
        TrainConfig saved = loaded.state().config();
        if (requested != null) {
            String difference = TrainConfigJson.firstDifference(saved, concrete(requested, data));
            if (difference != null) {
                throw new IllegalArgumentException("the checkpoint in " + loaded.folder() + " was written by a"
                        + " different config (" + difference.replaceFirst(": (.*) vs ", ": checkpoint $1, this run ")
                        + "); resume with the same options or train into another folder");
            }
        }
        Checkpoint.DataIdentity identity = identity(data);
        if (!identity.equals(loaded.state().data())) {
            throw new IllegalArgumentException("the checkpoint in " + loaded.folder() + " was trained on other data ("
                    + loaded.state().data() + "), not " + data.dir() + " (" + identity + ")");
        }
        Trainer trainer = new Trainer(saved, data, out, progress);
        loaded.restoreWeights(trainer.model);
        trainer.optimizer.loadState(loaded.optimizer(), loaded.state().step());
        trainer.sampler.restore(loaded.state().sampler());
        trainer.step = loaded.state().step();
        trainer.lastCheckpointStep = trainer.step;
        MetricsLog.keepUpToStep(out.resolve(METRICS_FILE), trainer.step);
        return trainer;
    }

    /** Trains to the end of the budget. */
    public Summary run() throws IOException {
        return runUntil(config.steps());
    }

    /**
     * One training step on {@code windows}: the loss, then {@link #optimizationStep}; returns the loss.
     * Its tensors live in a {@link Tensor#workspace()} scope, so after the first step training reuses
     * the same arrays instead of allocating new ones. A non-finite loss or gradient norm stops the run
     * before any weight changes.
     */
    private double trainStep(int[] windows, long next, double lr) {
        try (var workspace = Tensor.workspace()) {
            model.train(true);
            Loss loss = objective.loss(model, windows, config.batchSize(), config.contextLength(),
                    Seeds.step(config.seed(), next));
            double value = loss.value().item();
            if (!Double.isFinite(value)) {
                throw diverged(next, "the training loss is " + value);
            }
            double norm = optimizationStep(loss.value(), model, optimizer, config.gradClip(), lr);
            if (!Double.isFinite(norm)) {
                throw diverged(next, "the gradient norm is " + norm);
            }
            return value;
        }
    }

    /**
     * The optimizer's part of a step, given the loss (a scalar tensor built from {@code model}'s
     * parameters): back-propagate; clip the global gradient norm to {@code maxNorm}
     * ({@link Optimizer#clipGradNorm}, 0 disables); if that norm is finite, take the optimizer step at
     * learning rate {@code lr} and clear every gradient ({@link Module#zeroGrad}) for the next step.
     * Returns the norm before clipping; when it is not finite nothing is updated, so the caller can stop
     * with the weights as they were.
     */
    @Exercise("L06.4")
    public static double optimizationStep(Tensor loss, Module model, Optimizer optimizer, double maxNorm, double lr) {
        loss.backward();
        double norm = optimizer.clipGradNorm(maxNorm);
        if (Double.isFinite(norm)) {
            optimizer.step(lr);
            model.zeroGrad();
        }
        return norm;
    }

    /**
     * Trains until {@code lastStep} steps are done (or the budget ends), validating and
     * checkpointing on the config's schedule; a run can be continued later with {@link #resume}
     * from its last checkpoint.
     */
    public Summary runUntil(long lastStep) throws IOException {
        long stop = Math.min(lastStep, config.steps());
        int batchSize = config.batchSize();
        int length = config.contextLength();
        int[] windows = new int[batchSize * (length + 1)]; // (B, T+1)
        long startStep = step;
        long trainNanos = 0;
        progress.message(String.format(java.util.Locale.ROOT,
                "%s %s: %,d parameters, %d steps of %d x %d tokens, U=%,d unique of M=%,d tokens (%.1f epochs)",
                step == 0 ? "training" : "resuming at step " + step + ",", config.objective(),
                model.numParameters(), config.steps(), batchSize, length, config.uniqueTokens(),
                config.totalTokens(), (double) config.totalTokens() / config.uniqueTokens()));
        try (MetricsLog metrics = MetricsLog.open(out.resolve(METRICS_FILE))) {
            if (step == 0 && stop > 0) {
                validate(metrics);
            }
            while (step < stop) {
                long started = System.nanoTime();
                sampler.nextBatch(windows);
                long next = step + 1;
                double lr = schedule.at(step);
                double value = trainStep(windows, next, lr);
                step = next;
                lastTrainLoss = value;
                trainNanos += System.nanoTime() - started;

                double seconds = trainNanos / 1e9;
                double tokensPerSecond = (step - startStep) * (double) batchSize * length / seconds;
                double eta = seconds / (step - startStep) * (config.steps() - step);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("step", step);
                line.put("tokens", sampler.tokensSeen());
                line.put("epoch", sampler.epoch());
                line.put("train_loss", value);
                line.put("lr", lr);
                line.put("tokens_per_s", Math.round(tokensPerSecond * 10) / 10.0);
                metrics.append(line);
                progress.step(step, config.steps(), value, lr, tokensPerSecond, eta);

                if (step % config.evalInterval() == 0 || step == config.steps()) {
                    validate(metrics);
                }
                if (step % config.checkpointInterval() == 0 || step == config.steps()) {
                    Checkpoint.save(out, model, optimizer, new Checkpoint.State(config, step, sampler.tokensSeen(),
                            sampler.position(), dataIdentity));
                    lastCheckpointStep = step;
                }
            }
            progress.endLine();
            double seconds = trainNanos / 1e9;
            double tokensPerSecond = seconds > 0 ? (step - startStep) * (double) batchSize * length / seconds : 0;
            return new Summary(step, sampler.tokensSeen(), lastTrainLoss, lastValLoss, seconds, tokensPerSecond);
        }
    }

    /** Mean validation loss over the fixed val.bin batches, with the same noise every time. */
    public double validationLoss() {
        model.train(false);
        try (var noGrad = Tensor.noGrad()) {
            Rng rng = new Rng(EVAL_SEED);
            double sum = 0;
            for (int b = 0; b < validation.numBatches(); b++) {
                sum += objective.evaluate(model, validation.batch(b), config.batchSize(), config.contextLength(), rng);
            }
            return sum / validation.numBatches();
        } finally {
            model.train(true);
        }
    }

    private void validate(MetricsLog metrics) throws IOException {
        lastValLoss = validationLoss();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("tokens", sampler.tokensSeen());
        line.put("val_loss", lastValLoss);
        metrics.append(line);
        progress.validation(step, lastValLoss);
        if (!Double.isFinite(lastValLoss)) {
            throw diverged(step, "the validation loss is " + lastValLoss);
        }
    }

    private TrainingDivergedException diverged(long atStep, String what) {
        progress.endLine();
        String kept = lastCheckpointStep >= 0
                ? "kept the last good checkpoint (step " + lastCheckpointStep + ") in " + Checkpoint.folder(out)
                : "no checkpoint had been written yet";
        return new TrainingDivergedException("training stopped at step " + atStep + ": " + what + "; " + kept);
    }

    public TrainConfig config() {
        return config;
    }

    public Transformer model() {
        return model;
    }

    /** Optimizer steps done. */
    public long step() {
        return step;
    }

    private static TrainConfig concrete(TrainConfig config, PreparedDataset data) {
        boolean causal = Objectives.create(config.objective(), config.objectiveOptions()).causal();
        TrainConfig concrete = config.forData(data.meta().vocabSize(), data.meta().maskId(), data.train().length(), causal);
        if (concrete.uniqueTokens() > data.train().length()) {
            throw new IllegalArgumentException("unique tokens U=" + concrete.uniqueTokens() + " exceed the "
                    + data.train().length() + " tokens of " + data.train().path());
        }
        if (concrete.totalTokens() < concrete.uniqueTokens()) {
            throw new IllegalArgumentException("total tokens M=" + concrete.totalTokens() + " (" + concrete.steps()
                    + " steps x " + concrete.batchSize() + " x " + concrete.contextLength()
                    + ") is less than unique tokens U=" + concrete.uniqueTokens());
        }
        return concrete;
    }

    private static Checkpoint.DataIdentity identity(PreparedDataset data) {
        return new Checkpoint.DataIdentity(data.meta().tokenizer(), data.meta().vocabSize(), data.train().length(),
                data.val().length());
    }

    private static void createFolder(Path out) {
        try {
            Files.createDirectories(out);
            if (!Files.isWritable(out)) {
                throw new IllegalArgumentException("cannot write to output folder " + out);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create output folder " + out + ": " + AtomicOutput.reason(e));
        }
    }
}
