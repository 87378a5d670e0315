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
import org.dlm4j.kernels.Parallel;
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
 * (a partial config, see {@link TrainConfigJson}), then the options given on the command line.
 * With {@code --resume} and neither --preset nor --config, the checkpoint's config is the base,
 * so {@code dlm4j train --out DIR --resume} simply continues; any option that would change the
 * run's config is refused with the field it changes.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train an autoregressive (ar) or masked-diffusion (diffusion) language model.")
public final class TrainCommand implements Callable<Integer> {
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

    @Option(names = "--print-every", defaultValue = "50",
            description = "Without a terminal: print a progress line every N steps (default: ${DEFAULT-VALUE}).")
    long printEvery;

    @Override
    public Integer call() throws IOException {
        if (steps != null && totalTokens != null) {
            throw usage("give --steps or --total-tokens, not both");
        }
        if (threads != null) {
            if (threads <= 0) {
                throw usage("--threads must be positive, got " + threads);
            }
            Parallel.setThreads(threads);
        }
        if (printEvery <= 0) {
            throw usage("--print-every must be positive, got " + printEvery);
        }
        InputPaths.requireFolder(data, "data folder", "make one with dlm4j data prepare");
        Console console = System.console();
        Progress progress = new Progress(spec.commandLine().getOut(), console != null && console.isTerminal(), printEvery);
        try (PreparedDataset dataset = PreparedDataset.open(data)) {
            Trainer trainer;
            if (resume && Checkpoint.exists(out)) {
                TrainConfig base = preset == null && configFile == null
                        ? Checkpoint.load(out).state().config()
                        : baseConfig();
                trainer = Trainer.resume(withOptions(base), dataset, out, progress);
            } else if (resume) {
                TrainConfig unstarted = RunFolder.unstartedConfig(out);
                if (unstarted == null) {
                    throw new IllegalArgumentException("--resume: no checkpoint in " + out);
                }
                TrainConfig base = preset == null && configFile == null ? unstarted : baseConfig();
                trainer = Trainer.restart(withOptions(base), dataset, out, progress);
            } else {
                trainer = Trainer.create(withOptions(baseConfig()), dataset, out, progress);
            }
            if (trainer.step() >= trainer.config().steps()) {
                spec.commandLine().getOut().println("the run in " + out + " is already complete (" + trainer.step()
                        + " steps); nothing to do");
                return Main.EXIT_OK;
            }
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

    /** The preset (default tiny) with the --config file merged in; the objective must be known by now. */
    private TrainConfig baseConfig() {
        JsonNode file = configFile == null ? null : TrainConfigJson.readOverrides(configFile);
        String name = objective != null ? objective
                : file != null && file.hasNonNull("objective") ? file.get("objective").asText() : null;
        if (name == null) {
            throw usage("--objective is required (ar or diffusion)");
        }
        TrainConfig base = TrainPresets.byName(preset == null ? TrainPresets.TINY : preset, name);
        return file == null ? base : TrainConfigJson.merge(base, file, "config file " + configFile);
    }

    /** {@code base} with every option given on the command line applied. */
    private TrainConfig withOptions(TrainConfig base) {
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
        if (steps != null && warmup == null && steps <= base.warmupSteps()) {
            throw usage("--steps " + steps + " leaves no room after the " + base.warmupSteps()
                    + " warmup steps of the config; give a smaller --warmup too");
        }
        TrainConfig config = TrainConfigJson.merge(base, o, "command-line options");
        requireObjectiveOptionsMatch(config.objective());
        if (totalTokens != null) {
            long perStep = (long) config.batchSize() * config.contextLength();
            if (totalTokens < perStep) {
                throw usage("--total-tokens " + totalTokens + " is less than one step of B*T = " + perStep + " tokens");
            }
            if (warmup == null && totalTokens / perStep <= config.warmupSteps()) {
                throw usage("--total-tokens " + totalTokens + " makes " + totalTokens / perStep + " steps, no more than the "
                        + config.warmupSteps() + " warmup steps of the config; give a smaller --warmup too");
            }
            ObjectNode budget = f.objectNode();
            budget.put("steps", totalTokens / perStep);
            config = TrainConfigJson.merge(config, budget, "--total-tokens");
        }
        return config;
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
