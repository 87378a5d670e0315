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
import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.DeviceTrainer;
import org.dlm4j.device.OptimizerSettings;
import org.dlm4j.device.OptimizerState;
import org.dlm4j.device.StepOutcome;
import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.nn.Module;
import org.dlm4j.objective.Loss;
import org.dlm4j.objective.LossInputs;
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
 * applied, with a {@link TrainingDivergedException} saying which checkpoint was kept; the step's line
 * (its loss, and {@code "diverged"}: what was not finite) is still written to metrics.jsonl. A
 * checkpoint is only written when every tensor of it is finite and its weights give a finite loss on
 * the first validation batch, so the checkpoint a diverged run keeps is one that evaluates.
 *
 * <p>Stopping: {@link #requestStop} (called on SIGINT or SIGTERM) ends the run after the step in
 * progress with a {@link TrainingStoppedException}. Every failure, I/O errors included, is one line
 * "training stopped at step N: what; which checkpoint was kept". {@link #run} of a run that stops or
 * fails before its first checkpoint removes what it wrote ({@link RunFolder#discardUnstarted}).
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
    private volatile boolean stopRequested;
    private long step;
    private long lastCheckpointStep = -1;
    private long lastValidatedStep = -1;
    private double lastTrainLoss = Double.NaN;
    private double lastValLoss = Double.NaN;
    private DeviceTrainer device;
    private String deviceDescription;
    private boolean hostHasDeviceState = true;

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
     * into {@code out}, which must not exist, be empty or hold only an unstarted run (see {@link
     * RunFolder}), which it then replaces. Everything is checked before the folder is created or
     * cleared, so a bad argument leaves the folder as it was.
     */
    public static Trainer create(TrainConfig config, PreparedDataset data, Path out, Progress progress)
            throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("output " + out + " exists and is not a folder");
        }
        if (!RunFolder.isUnstarted(out) && !Checkpoint.isEmptyFolder(out)) {
            throw new IllegalArgumentException("output folder " + out + " is not empty; resume the run in it with"
                    + " --resume or choose another folder");
        }
        String takeOver = Checkpoint.isEmptyFolder(out) ? null : "taking over " + out + ": it holds only the files"
                + " of a run that stopped before its first checkpoint";
        return start(config, data, out, progress, takeOver);
    }

    /**
     * Starts the unstarted run in {@code out} (see {@link RunFolder}) again from step 0, with the config
     * of its config.json; {@code requested} (null: take that config) must equal it, as for {@link #resume}.
     */
    public static Trainer restart(TrainConfig requested, PreparedDataset data, Path out, Progress progress)
            throws IOException {
        TrainConfig saved = RunFolder.unstartedConfig(out);
        if (saved == null) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + out);
        }
        if (requested != null) {
            requireSameConfig(saved, requested, data, "the run in " + out);
        }
        return start(saved, data, out, progress, out + " has no checkpoint yet; starting its run again from step 0");
    }

    private static Trainer start(TrainConfig config, PreparedDataset data, Path out, Progress progress,
                                 String takeOver) throws IOException {
        TrainConfig concrete = concrete(config, data);
        Trainer trainer = new Trainer(concrete, data, out, progress);
        if (takeOver != null) {
            progress.message(takeOver);
            RunFolder.discardUnstarted(out);
        }
        createFolder(out);
        try {
            AtomicFiles.writeString(out.resolve(CONFIG_FILE), TrainConfigJson.toJson(concrete) + "\n");
        } catch (IOException e) {
            discardQuietly(out, e);
            throw e;
        }
        return trainer;
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
            requireSameConfig(saved, requested, data, "the checkpoint in " + loaded.folder());
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

    private static void requireSameConfig(TrainConfig saved, TrainConfig requested, PreparedDataset data,
                                          String what) {
        String difference = TrainConfigJson.firstDifference(saved, concrete(requested, data));
        if (difference != null) {
            throw new IllegalArgumentException(what + " was written by a different config ("
                    + difference.replaceFirst(": (.*) vs ", ": checkpoint $1, this run ")
                    + "); resume with the same options or train into another folder");
        }
    }

    /**
     * Runs the training steps on {@code engine} from now on (null: stay on the CPU). The weights and
     * AdamW state go up once; each step sends only the batch, drawn here from the same seeds as on the
     * CPU ({@link LossInputs#training}); the weights come back before every validation and checkpoint,
     * which run on the host as before.
     */
    public void useDevice(DeviceEngine engine) {
        if (engine == null) {
            return;
        }
        device = engine.open(model, optimizerState(), new OptimizerSettings(config.beta1(), config.beta2(),
                config.adamEps(), config.weightDecay(), config.gradClip()));
        deviceDescription = engine.name() + " (" + engine.deviceDescription() + ")";
    }

    /**
     * Brings the device's weights and AdamW state back into the model and optimizer and releases the
     * device (nothing without one); later steps run on the CPU again.
     */
    public void releaseDevice() {
        if (device != null) {
            try {
                copyDeviceStateToHost();
            } finally {
                device.close();
                device = null;
            }
        }
    }

    /** The CPU optimizer's live moment arrays by parameter name, and its step count. */
    private OptimizerState optimizerState() {
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        for (NamedArray array : optimizer.state()) {
            (array.name().startsWith("m.") ? first : second).put(array.name().substring(2), array.data());
        }
        return new OptimizerState(first, second, optimizer.stepCount());
    }

    /** Brings the device's weights and AdamW state back into the model and optimizer, when they moved on. */
    private void copyDeviceStateToHost() {
        if (device == null || hostHasDeviceState) {
            return;
        }
        device.copyTo(model, optimizerState());
        Map<String, NamedArray> arrays = new LinkedHashMap<>();
        for (NamedArray array : optimizer.state()) {
            arrays.put(array.name(), array);
        }
        optimizer.loadState(arrays, device.stepCount());
        hostHasDeviceState = true;
    }

    /**
     * Asks the run to stop after the step in progress: {@link #runUntil} then throws a
     * {@link TrainingStoppedException}. Safe to call from any thread (a shutdown hook on SIGINT/SIGTERM).
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains to the end of the budget. A run that fails or is stopped before its first checkpoint
     * removes what it wrote, so the folder can be used again.
     */
    public Summary run() throws IOException {
        try {
            return runUntil(config.steps());
        } catch (IOException | RuntimeException | Error e) {
            discardQuietly(out, e);
            throw e;
        }
    }

    /** {@link RunFolder#discardUnstarted}, a failure of which is attached to the failure that caused it. */
    private static void discardQuietly(Path out, Throwable cause) {
        try {
            RunFolder.discardUnstarted(out);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** What one step did: its loss, and what was not finite if the update was not applied (else null). */
    private record StepResult(double loss, String divergence) {
    }

    /**
     * One training step on {@code windows}: the loss, then {@link #optimizationStep}. With a non-finite
     * loss or gradient norm no weight changes. Its tensors live in a {@link Tensor#workspace()} scope, so
     * after the first step training reuses the same arrays instead of allocating new ones.
     */
    private StepResult trainStep(int[] windows, long next, double lr) {
        if (device != null) {
            return deviceStep(windows, next, lr);
        }
        try (var workspace = Tensor.workspace()) {
            model.train(true);
            Loss loss = objective.loss(model, windows, config.batchSize(), config.contextLength(),
                    Seeds.step(config.seed(), next));
            double value = loss.value().item();
            if (!Double.isFinite(value)) {
                return new StepResult(value, "the training loss is " + value);
            }
            double norm = optimizationStep(loss.value(), model, optimizer, config.gradClip(), lr);
            return new StepResult(value, Double.isFinite(norm) ? null : "the gradient norm is " + norm);
        }
    }

    /** {@link #trainStep} on the device: the same draws, the same guard (the device skips a non-finite update). */
    private StepResult deviceStep(int[] windows, long next, double lr) {
        LossInputs inputs = LossInputs.training(objective, config.model().numLayers(), windows, config.batchSize(),
                config.contextLength(), Seeds.step(config.seed(), next));
        StepOutcome outcome = device.step(inputs, lr);
        hostHasDeviceState = false;
        if (!Double.isFinite(outcome.loss())) {
            return new StepResult(outcome.loss(), "the training loss is " + outcome.loss());
        }
        return new StepResult(outcome.loss(), outcome.applied() ? null : "the gradient norm is " + outcome.gradNorm());
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
                config.totalTokens(), (double) config.totalTokens() / config.uniqueTokens())
                + (device == null ? "" : "; steps on " + deviceDescription));
        try (MetricsLog metrics = MetricsLog.open(out.resolve(METRICS_FILE))) {
            if (step == 0 && stop > 0) {
                requireNoStopRequest();
                validate(metrics);
            }
            while (step < stop) {
                requireNoStopRequest();
                long started = System.nanoTime();
                sampler.nextBatch(windows);
                long next = step + 1;
                double lr = schedule.at(step);
                StepResult result = trainStep(windows, next, lr);
                trainNanos += System.nanoTime() - started;

                double seconds = trainNanos / 1e9;
                double tokensPerSecond = (next - startStep) * (double) batchSize * length / seconds;
                double eta = seconds / (next - startStep) * (config.steps() - next);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("step", next);
                line.put("tokens", sampler.tokensSeen());
                line.put("epoch", sampler.epoch());
                line.put("train_loss", result.loss());
                line.put("lr", lr);
                line.put("tokens_per_s", Math.round(tokensPerSecond * 10) / 10.0);
                if (result.divergence() != null) {
                    line.put("diverged", result.divergence());
                    metrics.append(line);
                    throw diverged(next, result.divergence());
                }
                step = next;
                lastTrainLoss = result.loss();
                metrics.append(line);
                progress.step(step, config.steps(), result.loss(), lr, tokensPerSecond, eta);

                if (step % config.evalInterval() == 0 || step == config.steps()) {
                    validate(metrics);
                }
                if (step % config.checkpointInterval() == 0 || step == config.steps()) {
                    saveCheckpoint();
                }
            }
            progress.endLine();
            double seconds = trainNanos / 1e9;
            double tokensPerSecond = seconds > 0 ? (step - startStep) * (double) batchSize * length / seconds : 0;
            return new Summary(step, sampler.tokensSeen(), lastTrainLoss, lastValLoss, seconds, tokensPerSecond);
        } catch (IOException e) {
            progress.endLine();
            throw new IOException(stopped(step, e.getMessage()), e);
        }
    }

    private void requireNoStopRequest() {
        if (stopRequested) {
            progress.endLine();
            throw new TrainingStoppedException(stopped(step, "interrupted"));
        }
    }

    /**
     * Writes a checkpoint of the current weights, optimizer state and position, unless a tensor is not
     * finite or the weights give a non-finite loss on the first validation batch: then the run stops as
     * diverged, and the last checkpoint, one that evaluates, is kept.
     */
    private void saveCheckpoint() throws IOException {
        copyDeviceStateToHost();
        String notFinite = NamedArray.firstNonFinite(NamedArray.of(model.namedParameters()));
        if (notFinite == null) {
            notFinite = NamedArray.firstNonFinite(optimizer.state());
        }
        if (notFinite != null) {
            throw diverged(step, "the weights or optimizer moments are not finite (" + notFinite + "), so they were"
                    + " not saved");
        }
        double loss = lastValidatedStep == step ? lastValLoss : validationLoss(1);
        if (!Double.isFinite(loss)) {
            throw diverged(step, "the weights give a validation loss of " + loss + ", so they were not saved");
        }
        Checkpoint.save(out, model, optimizer, new Checkpoint.State(config, step, sampler.tokensSeen(),
                sampler.position(), dataIdentity));
        lastCheckpointStep = step;
    }

    /** Mean validation loss over the fixed val.bin batches, with the same noise every time. */
    public double validationLoss() {
        return validationLoss(validation.numBatches());
    }

    /** Mean validation loss over the first {@code batches} fixed val.bin batches. */
    private double validationLoss(int batches) {
        copyDeviceStateToHost();
        model.train(false);
        try (var noGrad = Tensor.noGrad()) {
            Rng rng = new Rng(EVAL_SEED);
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                sum += objective.evaluate(model, validation.batch(b), config.batchSize(), config.contextLength(), rng);
            }
            return sum / batches;
        } finally {
            model.train(true);
        }
    }

    private void validate(MetricsLog metrics) throws IOException {
        lastValLoss = validationLoss();
        lastValidatedStep = step;
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
        return new TrainingDivergedException(stopped(atStep, what));
    }

    /** "training stopped at step N: what; which checkpoint was kept", the one form of every failure's line. */
    private String stopped(long atStep, String what) {
        String kept = lastCheckpointStep >= 0
                ? "kept the last good checkpoint (step " + lastCheckpointStep + ") in " + Checkpoint.folder(out)
                : "no checkpoint had been written yet";
        return "training stopped at step " + atStep + ": " + what + "; " + kept;
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
