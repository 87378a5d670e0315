package org.dlm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dlm4j.data.InputPaths;
import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.PreparedDataset;
import org.dlm4j.data.TokenFile;
import org.dlm4j.data.Tokenizer;
import org.dlm4j.data.Tokenizers;
import org.dlm4j.device.Devices;
import org.dlm4j.eval.Estimator;
import org.dlm4j.eval.LikelihoodEvaluator;
import org.dlm4j.eval.LikelihoodOptions;
import org.dlm4j.eval.LikelihoodResult;
import org.dlm4j.eval.LoadedModel;
import org.dlm4j.eval.McItemScore;
import org.dlm4j.eval.McOptions;
import org.dlm4j.eval.McResult;
import org.dlm4j.eval.MultipleChoiceEvaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j eval}: the likelihood of a checkpoint on a token split (AR: exact NLL; diffusion: a
 * Monte Carlo bound or the exact chain-rule NLL), and {@code dlm4j eval mc}: multiple-choice accuracy
 * and the NLL gap between wrong and correct endings. See {@link org.dlm4j.eval.Estimator} for which
 * numbers are comparable across objectives.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Evaluate a checkpoint: likelihood on a token split, or multiple choice (eval mc).",
        subcommands = {EvalCommand.Mc.class})
public final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions modelOptions;

    @Option(names = "--data", defaultValue = "tiny-data/bytes",
            description = "Prepared token folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--split", defaultValue = "val", description = "val or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--estimator", description = "exact (AR, default), or for diffusion: paper, llada, llada-eval, mdlm"
            + " (Monte Carlo upper bounds; default: the training variant) or chain-rule (exact, L passes per window).")
    String estimator;

    @Option(names = "--matched", description = "Score positions 1..T-1 of windows of T tokens for every estimator:"
            + " the same tokens and left context for an AR and a diffusion model (compare exact with chain-rule).")
    boolean matched;

    @Option(names = "--samples", defaultValue = "" + LikelihoodOptions.DEFAULT_SAMPLES,
            description = "K, Monte Carlo samples per window for the bounds (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--antithetic", description = "Draw the K samples as K/2 antithetic pairs (t, 1-t); K even.")
    boolean antithetic;

    @Option(names = "--max-tokens", defaultValue = "" + LikelihoodOptions.DEFAULT_MAX_TOKENS,
            description = "Score about this many tokens from the start of the split (default: ${DEFAULT-VALUE}).")
    long maxTokens;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the mask draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** --checkpoint DIR or --run DIR, shared by eval and eval mc. */
    static final class ModelOptions {
        @Option(names = "--checkpoint", paramLabel = "DIR", description = "A checkpoint folder (holding state.json).")
        Path checkpoint;

        @Option(names = "--run", paramLabel = "DIR", description = "A run folder (holding checkpoint/).")
        Path run;

        Path path(CommandLine commandLine) {
            if ((checkpoint == null) == (run == null)) {
                throw new CommandLine.ParameterException(commandLine, "give exactly one of --checkpoint DIR or --run DIR");
            }
            return checkpoint != null ? checkpoint : run;
        }
    }

    @Option(names = "--device", defaultValue = Devices.CPU, description = DeviceOption.DESCRIPTION
            + " The likelihoods themselves are computed on the CPU (see the README's GPU section).")
    String device;

    @Override
    public Integer call() throws IOException {
        CommandLine commandLine = spec.commandLine();
        if (DeviceOption.require(commandLine, device) != null) {
            commandLine.getErr().println("dlm4j: note: eval computes its likelihoods on the CPU; the " + device
                    + " engine runs training steps only");
        }
        Path path = modelOptions.path(commandLine);
        LikelihoodOptions options;
        try {
            options = new LikelihoodOptions(estimator == null ? null : Estimator.of(estimator), samples, antithetic,
                    seed, maxTokens, matched);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
        if (!split.equals("val") && !split.equals("train")) {
            throw new CommandLine.ParameterException(commandLine, "--split must be val or train, got '" + split + "'");
        }
        InputPaths.requireFolder(data, "data folder", "");
        LoadedModel loaded = LoadedModel.load(path);
        requireMonteCarloForSamples(commandLine, options.estimator(), loaded);
        LikelihoodResult result;
        try (PreparedDataset dataset = PreparedDataset.open(data)) {
            requireTrainedOn(dataset, data, loaded);
            TokenFile file = split.equals("val") ? dataset.val() : dataset.train();
            result = LikelihoodEvaluator.evaluate(loaded.model(), loaded.objective(), file, options);
        }
        requireFinite(result.nllPerToken(), loaded);
        PrintWriter out = commandLine.getOut();
        if (json) {
            out.println(JSON.writeValueAsString(likelihoodJson(loaded, result)));
        } else {
            printLikelihood(out, loaded, result);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /**
     * {@code --samples} and {@code --antithetic} shape the Monte Carlo bounds; with an exact estimator
     * (AR's exact NLL, chain-rule) they would be silently ignored, so they are refused (exit 2).
     */
    static void requireMonteCarloForSamples(CommandLine commandLine, Estimator chosen, LoadedModel loaded) {
        Estimator estimator = chosen == null ? Estimator.defaultFor(loaded.objective()) : chosen;
        estimator.requireValidFor(loaded.objective());
        if (estimator.monteCarlo()) {
            return;
        }
        for (String option : List.of("--samples", "--antithetic")) {
            if (commandLine.getParseResult().hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(commandLine, option + " applies only to the Monte Carlo"
                        + " bounds (paper, llada, llada-eval, mdlm); estimator '" + estimator.label() + "' is exact");
            }
        }
    }

    /**
     * A checkpoint's tensors are all finite ({@link org.dlm4j.train.Checkpoint#load} checks), but weights
     * so large that the logits overflow still give NaN: an error, not a number to print.
     */
    static void requireFinite(double nll, LoadedModel loaded) {
        if (!Double.isFinite(nll)) {
            throw new IllegalArgumentException("the model's NLL is " + nll + ", not a number to report: its weights"
                    + " overflow float arithmetic (checkpoint " + loaded.folder() + ")");
        }
    }

    /**
     * Refuses a dataset tokenized differently from the checkpoint's training data: its ids would still
     * fit a larger vocabulary (bytes under a bpe model) and give a meaningless number instead of an error.
     */
    static void requireTrainedOn(PreparedDataset dataset, Path folder, LoadedModel loaded) {
        String tokenizer = loaded.state().data().tokenizer();
        int vocabSize = loaded.state().data().vocabSize();
        if (!dataset.meta().tokenizer().equals(tokenizer) || dataset.meta().vocabSize() != vocabSize) {
            throw new IllegalArgumentException("data " + folder + " uses tokenizer '" + dataset.meta().tokenizer()
                    + "' (vocab " + dataset.meta().vocabSize() + "), the checkpoint was trained with '" + tokenizer
                    + "' (vocab " + vocabSize + "); pass its dataset with --data DIR");
        }
    }

    private void printLikelihood(PrintWriter out, LoadedModel loaded, LikelihoodResult r) {
        out.println(String.format(Locale.ROOT, "%s model %s (step %d), %s split of %s: %d windows x %d tokens = %d tokens%s",
                r.objective(), loaded.folder(), loaded.state().step(), split, data, r.windows(), r.windowTokens(),
                r.tokens(), matched ? " (matched: positions 1..T-1 of each window)" : ""));
        if (r.exact()) {
            out.println(String.format(Locale.ROOT, "%s (exact NLL): %.4f nats/token ± %.4f (SE over windows),"
                    + " %.4f bits/token, perplexity %.3f", r.estimator().label(), r.nllPerToken(), r.standardError(),
                    r.bitsPerToken(), r.perplexity()));
        } else {
            out.println(String.format(Locale.ROOT, "%s (Monte Carlo upper bound, K=%d%s, stratified t): %.4f nats/token"
                    + " ± %.4f (SE over windows), Monte Carlo error ± %.4f (over samples), %.4f bits/token,"
                    + " perplexity <= %.3f", r.estimator().label(), r.samples(), r.antithetic() ? " antithetic" : "",
                    r.nllPerToken(), r.standardError(), r.monteCarloError(), r.bitsPerToken(), r.perplexity()));
            out.println("note: a bound, not an exact NLL; compare with an AR's exact NLL via --estimator chain-rule");
        }
    }

    private ObjectNode likelihoodJson(LoadedModel loaded, LikelihoodResult r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("checkpoint", loaded.folder().toString());
        node.put("step", loaded.state().step());
        node.put("objective", r.objective());
        node.put("data", data.toString());
        node.put("split", split);
        node.put("estimator", r.estimator().label());
        node.put("exact", r.exact());
        node.put("samples", r.samples());
        node.put("antithetic", r.antithetic());
        node.put("windows", r.windows());
        node.put("window_tokens", r.windowTokens());
        node.put("matched", matched);
        node.put("tokens", r.tokens());
        node.put("nll_per_token", r.nllPerToken());
        node.put("bits_per_token", r.bitsPerToken());
        node.put("perplexity", r.perplexity());
        putNumber(node, "standard_error_over_windows", r.standardError());
        putNumber(node, "monte_carlo_error_over_samples", r.monteCarloError());
        return node;
    }

    /** A number, or null when it is not defined (NaN), keeping the output valid JSON. */
    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    @Command(name = "mc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Multiple-choice accuracy and delta NLL (mean NLL of wrong endings - correct ending).")
    static final class Mc implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ModelOptions modelOptions;

        @Option(names = "--file", required = true, description = "Multiple-choice JSONL (id, context, endings, label).")
        Path file;

        @Option(names = "--data", description = "The dataset folder, for its tokenizer (needed for bpe).")
        Path data;

        @Option(names = "--samples", defaultValue = "" + McOptions.DEFAULT_SAMPLES,
                description = "K, Monte Carlo samples per ending for a diffusion model (default: ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--antithetic", description = "Draw the K samples as K/2 antithetic pairs; K even.")
        boolean antithetic;

        @Option(names = "--chain-rule", description = "Diffusion: score endings exactly, left to right (one pass per token).")
        boolean chainRule;

        @Option(names = "--estimator", description = "Diffusion bound: paper, llada, llada-eval or mdlm (default: the"
                + " training variant).")
        String estimator;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the mask draws (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--items", description = "Also print every item's scores.")
        boolean perItem;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            CommandLine commandLine = spec.commandLine();
            Path path = modelOptions.path(commandLine);
            if (chainRule && estimator != null) {
                throw new CommandLine.ParameterException(commandLine, "give --chain-rule or --estimator, not both");
            }
            McOptions options;
            try {
                Estimator chosen = chainRule ? Estimator.CHAIN_RULE : estimator == null ? null : Estimator.of(estimator);
                options = new McOptions(chosen, samples, antithetic, seed, false);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, e.getMessage());
            }
            List<MultipleChoice> items = MultipleChoice.readJsonl(file);
            LoadedModel loaded = LoadedModel.load(path);
            requireMonteCarloForSamples(commandLine, options.estimator(), loaded);
            Tokenizer tokenizer = tokenizer(loaded);
            McResult result = MultipleChoiceEvaluator.evaluate(loaded.model(), loaded.objective(), items, tokenizer,
                    options);
            requireFinite(result.meanNllCorrect() + result.meanNllWrong(), loaded);
            PrintWriter out = commandLine.getOut();
            if (json) {
                out.println(JSON.writeValueAsString(mcJson(loaded, result)));
            } else {
                print(out, loaded, result);
            }
            out.flush();
            return Main.EXIT_OK;
        }

        private Tokenizer tokenizer(LoadedModel loaded) {
            String name = loaded.state().data().tokenizer();
            if (data != null) {
                try (PreparedDataset dataset = PreparedDataset.open(data)) {
                    requireTrainedOn(dataset, data, loaded);
                    return dataset.tokenizer();
                }
            }
            if (name.equals("bpe")) {
                throw new IllegalArgumentException("the checkpoint uses a bpe tokenizer; pass its dataset with --data DIR");
            }
            return Tokenizers.byName(name);
        }

        private void print(PrintWriter out, LoadedModel loaded, McResult r) {
            out.println(String.format(Locale.ROOT, "%s model %s (step %d), %d items from %s, estimator %s%s",
                    r.objective(), loaded.folder(), loaded.state().step(), r.size(), file, r.estimator().label(),
                    r.estimator().monteCarlo() ? " (Monte Carlo upper bound, K=" + r.samples() + ")" : " (exact)"));
            out.println(String.format(Locale.ROOT, "accuracy %.4f ± %.4f (bootstrap SE over stories), length-normalised"
                    + " (per token) accuracy %.4f", r.accuracy(), r.accuracyStandardError(), r.normalizedAccuracy()));
            out.println(String.format(Locale.ROOT, "mean NLL: correct %.4f, wrong %.4f nats; delta NLL (wrong - correct)"
                    + " %.4f ± %.4f (larger is better)", r.meanNllCorrect(), r.meanNllWrong(), r.deltaNll(),
                    r.deltaNllStandardError()));
            if (perItem) {
                for (McItemScore s : r.items()) {
                    out.println(String.format(Locale.ROOT, "%s label %d predicted %d (normalised %d) nll %s", s.id(),
                            s.label(), s.predicted(), s.predictedNormalized(), s.nll()));
                }
            }
        }

        private ObjectNode mcJson(LoadedModel loaded, McResult r) {
            ObjectNode node = JSON.createObjectNode();
            node.put("checkpoint", loaded.folder().toString());
            node.put("step", loaded.state().step());
            node.put("objective", r.objective());
            node.put("file", file.toString());
            node.put("estimator", r.estimator().label());
            node.put("exact", !r.estimator().monteCarlo());
            node.put("samples", r.samples());
            node.put("items", r.size());
            node.put("accuracy", r.accuracy());
            putNumber(node, "accuracy_se", r.accuracyStandardError());
            node.put("normalized_accuracy", r.normalizedAccuracy());
            node.put("normalization", "per_token");
            node.put("mean_nll_correct", r.meanNllCorrect());
            node.put("mean_nll_wrong", r.meanNllWrong());
            node.put("delta_nll", r.deltaNll());
            putNumber(node, "delta_nll_se", r.deltaNllStandardError());
            if (perItem) {
                ArrayNode scores = node.putArray("scores");
                for (McItemScore s : r.items()) {
                    ObjectNode item = scores.addObject();
                    item.put("id", s.id());
                    item.put("label", s.label());
                    item.put("predicted", s.predicted());
                    item.put("predicted_normalized", s.predictedNormalized());
                    ArrayNode nll = item.putArray("nll");
                    s.nll().forEach(nll::add);
                    ArrayNode tokens = item.putArray("ending_tokens");
                    s.endingTokens().forEach(tokens::add);
                    item.put("context_tokens_dropped", s.contextTokensDropped());
                }
            }
            return node;
        }
    }
}
