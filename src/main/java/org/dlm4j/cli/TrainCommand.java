package org.dlm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dlm4j.data.CorpusStats;
import org.dlm4j.data.InputPaths;
import org.dlm4j.data.PreparedDataset;
import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.Devices;
import org.dlm4j.eval.Flops;
import org.dlm4j.objective.Autoregressive;
import org.dlm4j.objective.MaskedDiffusion;
import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.Progress;
import org.dlm4j.train.RunFolder;
import org.dlm4j.train.TrainConfig;
import org.dlm4j.train.TrainConfigJson;
import org.dlm4j.train.TrainPresets;
import org.dlm4j.train.Trainer;
import org.dlm4j.train.TrainingStoppedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j train}: trains an AR or masked-diffusion model into an output folder (config.json,
 * metrics.jsonl, checkpoint/), or resumes the run in it with {@code --resume}.
 *
 * <p>The config is built in layers: the {@code --preset}, then a {@code --config} JSON file
 * (a partial config, see {@link TrainConfigJson}), then the options given on the command line, merged
 * as JSON and checked once as a whole.
 * With {@code --resume} and neither --preset nor --config, the checkpoint's config is the base,
 * so {@code dlm4j train --out DIR --resume} simply continues; any option that would change the
 * run's config is refused with the field it changes.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train an autoregressive (ar) or masked-diffusion (diffusion) language model.")
public final class TrainCommand implements Callable<Integer> {
    /**
     * A generous ceiling on the training speed of one processor: about 4x the 2.5e11 FLOP/s per core that
     * dlm4j's kernels reach on an AVX-512 core (README, Performance).
     */
    private static final double MAX_FLOPS_PER_PROCESSOR = 1e12;
    private static final double SECONDS_PER_YEAR = 365.25 * 24 * 3600;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--objective", description = "ar or diffusion (required unless resuming or set by --config).")
    String objective;

    @Option(names = "--preset", description = "tiny or reference (default: tiny).")
    String preset;

    @Option(names = "--out", required = true, description = "Output folder; must be new or empty unless --resume.")
    Path out;

    @Option(names = "--data", defaultValue = "tiny-data/bytes",
            description = "Prepared token folder (train.bin, val.bin, meta.json) (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.")
    boolean resume;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file with config fields to override.")
    Path configFile;

    @Option(names = "--steps", description = "Optimizer steps in the whole run.")
    Long steps;

    @Option(names = "--total-tokens", description = "Training budget M in tokens (sets the steps to M / (B*T)).")
    Long totalTokens;

    @Option(names = "--unique-tokens", description = "Unique tokens U from the start of train.bin (0: all the budget reaches).")
    Long uniqueTokens;

    @Option(names = "--seed", description = "Seed of weights, data order, masks and dropout.")
    Long seed;

    @Option(names = "--d-model", description = "Model width C.")
    Integer dModel;

    @Option(names = "--layers", description = "Number of transformer blocks.")
    Integer layers;

    @Option(names = "--heads", description = "Attention heads H.")
    Integer heads;

    @Option(names = "--context", description = "Context length T.")
    Integer context;

    @Option(names = "--mlp-ratio", description = "MLP hidden width as a multiple of C.")
    Integer mlpRatio;

    @Option(names = "--dropout", description = "Dropout probability.")
    Double dropout;

    @Option(names = "--batch-size", description = "Windows per step B.")
    Integer batchSize;

    @Option(names = "--lr", description = "Peak learning rate.")
    Double lr;

    @Option(names = "--min-lr", description = "Final learning rate.")
    Double minLr;

    @Option(names = "--warmup", description = "Warmup steps.")
    Long warmup;

    @Option(names = "--schedule", description = "cosine or wsd.")
    String schedule;

    @Option(names = "--weight-decay", description = "AdamW weight decay (matrices only).")
    Double weightDecay;

    @Option(names = "--beta1", description = "AdamW beta1.")
    Double beta1;

    @Option(names = "--beta2", description = "AdamW beta2.")
    Double beta2;

    @Option(names = "--grad-clip", description = "Global gradient norm clip (0: off).")
    Double gradClip;

    @Option(names = "--input-mask-ratio", description = "AR input masking probability.")
    Double inputMaskRatio;

    @Option(names = "--loss-variant", description = "Diffusion loss: paper, llada, mdlm or masked-mean.")
    String lossVariant;

    @Option(names = "--eval-interval", description = "Validate every N steps.")
    Integer evalInterval;

    @Option(names = "--eval-batches", description = "Validation batches per validation.")
    Integer evalBatches;

    @Option(names = "--checkpoint-interval", description = "Checkpoint every N steps.")
    Integer checkpointInterval;

    @Option(names = "--threads", description = "Worker threads (results are identical for any count).")
    Integer threads;

    @Option(names = "--device", defaultValue = Devices.CPU, description = DeviceOption.DESCRIPTION)
    String device;

    @Option(names = "--print-every", defaultValue = "50",
            description = "Without a terminal: print a progress line every N steps (default: ${DEFAULT-VALUE}).")
    long printEvery;

    @Override
    public Integer call() throws IOException {
        if (steps != null && totalTokens != null) {
            throw usage("give --steps or --total-tokens, not both");
        }
        Threads.apply(spec.commandLine(), threads);
        DeviceEngine engine = DeviceOption.require(spec.commandLine(), device);
        if (printEvery <= 0) {
            throw usage("--print-every must be positive, got " + printEvery);
        }
        InputPaths.requireFolder(data, "data folder", "make one with dlm4j data prepare");
        Console console = System.console();
        Progress progress = new Progress(spec.commandLine().getOut(), console != null && console.isTerminal(), printEvery);
        try (PreparedDataset dataset = PreparedDataset.open(data)) {
            JsonNode file = configFile == null ? null : TrainConfigJson.readOverrides(configFile);
            boolean fromFolder = preset == null && configFile == null; // --resume alone continues the folder's config
            Trainer trainer;
            if (resume && Checkpoint.exists(out)) {
                TrainConfig base = fromFolder ? Checkpoint.load(out).state().config() : presetConfig(file);
                trainer = Trainer.resume(config(base, file), dataset, out, progress);
            } else if (resume) {
                TrainConfig unstarted = RunFolder.unstartedConfig(out);
                if (unstarted == null) {
                    throw new IllegalArgumentException("--resume: no checkpoint in " + out);
                }
                trainer = Trainer.restart(config(fromFolder ? unstarted : presetConfig(file), file), dataset, out,
                        progress);
            } else {
                trainer = Trainer.create(config(presetConfig(file), file), dataset, out, progress);
            }
            if (trainer.step() >= trainer.config().steps()) {
                spec.commandLine().getOut().println("the run in " + out + " is already complete (" + trainer.step()
                        + " steps); nothing to do");
                return Main.EXIT_OK;
            }
            trainer.useDevice(engine);
            Trainer.Summary summary;
            StopOnSignal signals = StopOnSignal.install(trainer::requestStop);
            try {
                summary = trainer.run();
            } catch (TrainingStoppedException e) {
                spec.commandLine().getErr().println("dlm4j: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return Main.EXIT_INTERRUPTED;
            } finally {
                signals.close();
                trainer.releaseDevice();
            }
            double entropy = CorpusStats.unigramEntropy(dataset.val());
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "done: %d steps, %,d tokens, train loss %.4f, val loss %.4f (val unigram entropy %.4f),"
                            + " %.0f tokens/s over %.1f s; wrote %s", summary.step(), summary.tokens(),
                    summary.trainLoss(), summary.valLoss(), entropy, summary.tokensPerSecond(), summary.seconds(), out));
            spec.commandLine().getOut().flush();
        }
        return Main.EXIT_OK;
    }

    /** The preset (default tiny) of the objective, given here or in the --config file. */
    private TrainConfig presetConfig(JsonNode file) {
        String name = objective != null ? objective
                : file != null && file.hasNonNull("objective") ? file.get("objective").asText() : null;
        if (name == null) {
            throw usage("--objective is required (ar or diffusion)");
        }
        return TrainPresets.byName(preset == null ? TrainPresets.TINY : preset, name);
    }

    /**
     * {@code base} with the --config {@code file} (null: none) and then the command-line options merged in
     * as JSON trees, and checked once as a whole: so a file's 3 steps with {@code --warmup 1} is fine even
     * though the file alone contradicts the preset's warmup. An invalid result is a usage error (exit 2)
     * when {@code base} with the file alone is valid, i.e. the options made it invalid; otherwise the
     * file is at fault (exit 1).
     */
    private TrainConfig config(TrainConfig base, JsonNode file) {
        ObjectNode tree = TrainConfigJson.toTree(base);
        if (file != null) {
            TrainConfigJson.mergeInto(tree, (ObjectNode) file);
        }
        ObjectNode options = optionsTree();
        TrainConfigJson.mergeInto(tree, options);
        long configWarmup = tree.path("warmup_steps").asLong();
        if (steps != null && warmup == null && steps <= configWarmup) {
            throw usage("--steps " + steps + " leaves no room after the " + configWarmup
                    + " warmup steps of the config; give a smaller --warmup too");
        }
        long perStep = tree.path("batch_size").asLong() * tree.path("model").path("context_length").asLong();
        if (totalTokens != null && perStep > 0) { // else the config's own B or T is invalid; building it says which
            tree.put("steps", budgetSteps(perStep, configWarmup));
        }
        String fileSource = "config file " + configFile;
        String source = file == null ? "command-line options"
                : options.isEmpty() && totalTokens == null ? fileSource : fileSource + " with the command-line options";
        TrainConfig config;
        try {
            config = TrainConfigJson.fromTree(tree, source);
        } catch (IllegalArgumentException e) {
            if (file != null) {
                TrainConfigJson.merge(base, file, fileSource); // throws (exit 1) when the file alone is at fault
            }
            throw usage("command-line options: " + e.getMessage().substring(source.length() + 2));
        }
        requireObjectiveOptionsMatch(config.objective());
        requireHonourableBudget(config);
        return config;
    }

    /** The steps of a --total-tokens budget at {@code perStep} = B·T tokens a step. */
    private long budgetSteps(long perStep, long configWarmup) {
        if (totalTokens < perStep) {
            throw usage("--total-tokens " + totalTokens + " is less than one step of B*T = " + perStep + " tokens");
        }
        if (warmup == null && totalTokens / perStep <= configWarmup) {
            throw usage("--total-tokens " + totalTokens + " makes " + totalTokens / perStep + " steps, no more than the "
                    + configWarmup + " warmup steps of the config; give a smaller --warmup too");
        }
        return totalTokens / perStep;
    }

    /** The options given on the command line as a partial config tree. */
    private ObjectNode optionsTree() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        ObjectNode model = f.objectNode();
        ObjectNode options = f.objectNode();
        putIfGiven(o, "objective", objective == null ? null : f.textNode(objective));
        putIfGiven(o, "steps", steps == null ? null : f.numberNode(steps));
        putIfGiven(o, "unique_tokens", uniqueTokens == null ? null : f.numberNode(uniqueTokens));
        putIfGiven(o, "seed", seed == null ? null : f.numberNode(seed));
        putIfGiven(o, "batch_size", batchSize == null ? null : f.numberNode(batchSize));
        putIfGiven(o, "lr", lr == null ? null : f.numberNode(lr));
        putIfGiven(o, "min_lr", minLr == null ? null : f.numberNode(minLr));
        putIfGiven(o, "warmup_steps", warmup == null ? null : f.numberNode(warmup));
        putIfGiven(o, "schedule", schedule == null ? null : f.textNode(schedule));
        putIfGiven(o, "weight_decay", weightDecay == null ? null : f.numberNode(weightDecay));
        putIfGiven(o, "beta1", beta1 == null ? null : f.numberNode(beta1));
        putIfGiven(o, "beta2", beta2 == null ? null : f.numberNode(beta2));
        putIfGiven(o, "grad_clip", gradClip == null ? null : f.numberNode(gradClip));
        putIfGiven(o, "eval_interval", evalInterval == null ? null : f.numberNode(evalInterval));
        putIfGiven(o, "eval_batches", evalBatches == null ? null : f.numberNode(evalBatches));
        putIfGiven(o, "checkpoint_interval", checkpointInterval == null ? null : f.numberNode(checkpointInterval));
        putIfGiven(model, "d_model", dModel == null ? null : f.numberNode(dModel));
        putIfGiven(model, "num_layers", layers == null ? null : f.numberNode(layers));
        putIfGiven(model, "num_heads", heads == null ? null : f.numberNode(heads));
        putIfGiven(model, "context_length", context == null ? null : f.numberNode(context));
        putIfGiven(model, "mlp_ratio", mlpRatio == null ? null : f.numberNode(mlpRatio));
        putIfGiven(model, "dropout", dropout == null ? null : f.numberNode(dropout));
        putIfGiven(options, "input_mask_ratio", inputMaskRatio == null ? null : f.numberNode(inputMaskRatio));
        putIfGiven(options, "variant", lossVariant == null ? null : f.textNode(lossVariant));
        if (!model.isEmpty()) {
            o.set("model", model);
        }
        if (!options.isEmpty()) {
            o.set("objective_options", options);
        }
        return o;
    }

    /**
     * A budget this machine cannot finish within a year even at {@link #MAX_FLOPS_PER_PROCESSOR} on every
     * processor is refused before anything is written, with the arithmetic: such a run's ETA would read
     * in centuries.
     */
    private void requireHonourableBudget(TrainConfig config) {
        int processors = Runtime.getRuntime().availableProcessors();
        double perToken = Flops.trainingPerToken(config.model(), config.contextLength());
        double flops = perToken * config.totalTokens();
        double years = flops / (MAX_FLOPS_PER_PROCESSOR * processors) / SECONDS_PER_YEAR;
        if (years > 1) {
            String message = String.format(Locale.ROOT, "a budget of %,d tokens (%,d steps) needs %.1e training FLOPs"
                    + " (%.2e a token): more than %s even at 1 TFLOP/s on each of the %d processors here; give a"
                    + " smaller --total-tokens or --steps", config.totalTokens(), config.steps(), flops, perToken,
                    years < 2 ? "a year" : String.format(Locale.ROOT, "%,.0f years", Math.floor(years)), processors);
            throw steps != null || totalTokens != null ? usage(message) : new IllegalArgumentException(message);
        }
    }

    /** Options that only one objective reads are refused for the other instead of being ignored. */
    private void requireObjectiveOptionsMatch(String runObjective) {
        if (lossVariant != null && !runObjective.equals(MaskedDiffusion.NAME)) {
            throw usage("--loss-variant applies only to --objective diffusion, this run is " + runObjective);
        }
        if (inputMaskRatio != null && !runObjective.equals(Autoregressive.NAME)) {
            throw usage("--input-mask-ratio applies only to --objective ar, this run is " + runObjective);
        }
    }

    private static void putIfGiven(ObjectNode node, String key, JsonNode value) {
        if (value != null) {
            node.set(key, value);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
