package org.dlm4j.experiment;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.eval.Estimator;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.objective.Objectives;

/**
 * What a crossover sweep runs: the grid objective x unique tokens U x model x regulariser x seed at
 * ONE total training budget M, and the shared training and evaluation settings. Every run of the
 * grid uses the same architecture (per model), optimizer, schedule and data order (per seed); the
 * objective changes only the attention mask, the shift and the loss.
 *
 * <p>JSON form (snake_case keys, unknown keys rejected; every key required except four optional ones
 * that keep older spec files loading: a model's {@code positions}, {@code mc_estimator}, {@code mc_hard_file}
 * and a regulariser's {@code unique_tokens}), e.g. {@code dlm4j crossover --preset tiny --print-spec}:
 *
 * @param name          a label for the report
 * @param data          dataset folder (train.bin, val.bin, meta.json), relative to the working folder
 * @param mcFile        multiple-choice items (JSONL, see {@link org.dlm4j.data.MultipleChoice}): the
 *                      in-window items the models are compared on
 * @param mcHardFile    a second, harder set scored beside it (tiny-data's mc-hard.jsonl: answers beyond
 *                      the window), or null for none
 * @param objectives    objectives to compare, "ar" and/or "diffusion"
 * @param uniqueTokens  the U values: tokens from the start of train.bin a run may use, each at most M
 * @param totalTokens   M, the training budget of every run in tokens; epochs = M / U. Must be a
 *                      multiple of batch_size x context_length of every model (steps = M / (B T))
 * @param models        model sizes; each is run for every U and objective
 * @param regularizers  extra AR runs with input masking and/or dropout (may be empty), at the U each
 *                      names; diffusion runs are always plain, as in the paper's ablation
 * @param batchSize     B, windows per optimizer step
 * @param lr            peak learning rate (cosine decay to {@code minLr} over the run, after warm-up)
 * @param minLr         final learning rate
 * @param warmupSteps   linear warm-up steps
 * @param weightDecay   AdamW weight decay on matrices
 * @param evalPoints    evaluations per run after step 0, evenly spaced (the last at the end)
 * @param evalBatches   validation batches of B windows for the trainer's validation loss ({@code val_loss})
 * @param valWindows    windows of T validation tokens for the like-for-like NLL ({@code val_nll}: positions
 *                      1..T-1 of each, AR exact and diffusion chain rule, the same windows for both) and
 *                      the diffusion bound ({@code val_bound}); the first ones of val.bin
 * @param boundSamples  K, samples per window of the diffusion bound {@code val_bound} (LLaDA's
 *                      evaluation estimator, llada-eval, the lowest-variance bound)
 * @param mcItems       multiple-choice items scored per evaluation, the first ones of the file (0: all)
 * @param mcSamples     Monte Carlo samples K per ending for a diffusion bound (AR is exact)
 * @param mcEstimator   how diffusion models score endings: "chain-rule" (exact, one pass per ending
 *                      token, like-for-like with AR's exact NLL; every preset) or a bound, "paper",
 *                      "llada" or "mdlm" (K samples each). The second optional key of a spec: absent
 *                      or null means "paper", what sweeps did before the key existed. AR is always exact.
 * @param seeds         seeds run for every cell (weights, data order, noise); {@code --seeds} overrides
 */
public record SweepSpec(
        String name,
        String data,
        String mcFile,
        String mcHardFile,
        List<String> objectives,
        List<Long> uniqueTokens,
        long totalTokens,
        List<ModelSpec> models,
        List<RegularizerSpec> regularizers,
        int batchSize,
        double lr,
        double minLr,
        int warmupSteps,
        double weightDecay,
        int evalPoints,
        int evalBatches,
        int valWindows,
        int boundSamples,
        int mcItems,
        int mcSamples,
        String mcEstimator,
        List<Long> seeds) {

    /**
     * One model size (the vocabulary comes from the data).
     *
     * @param name          short label used in run names, e.g. "tiny"
     * @param contextLength T
     * @param dModel        C
     * @param numLayers     transformer blocks
     * @param numHeads      H (must divide C)
     * @param mlpRatio      MLP hidden width as a multiple of C
     * @param positions     "rope" (rotary, every preset) or "learned" (a position table); the one
     *                      optional key of a spec: absent or null means "rope", because with learned
     *                      positions the diffusion model sits on the unigram plateau at these sizes
     *                      (the README's crossover experiment). A sweep folder written before the key
     *                      existed ran learned positions, so its sweep.json differs and resuming it is
     *                      refused.
     */
    public record ModelSpec(String name, int contextLength, int dModel, int numLayers, int numHeads, int mlpRatio,
                            String positions) {

        /** The default position encoding of a model spec. */
        public static final String DEFAULT_POSITIONS = PositionEncoding.ROPE.configName();

        public ModelSpec {
            requireName("model", name);
            if (positions == null) {
                positions = DEFAULT_POSITIONS;
            }
            PositionEncoding encoding;
            try {
                encoding = PositionEncoding.fromConfigName(positions);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + name + "': " + e.getMessage());
            }
            if (contextLength <= 0 || dModel <= 0 || numLayers <= 0 || numHeads <= 0 || mlpRatio <= 0) {
                throw new IllegalArgumentException("model '" + name + "' needs positive context_length, d_model,"
                        + " num_layers, num_heads and mlp_ratio");
            }
            if (dModel % numHeads != 0) {
                throw new IllegalArgumentException("model '" + name + "': d_model " + dModel
                        + " is not a multiple of num_heads " + numHeads);
            }
            if (encoding == PositionEncoding.ROPE && (dModel / numHeads) % 2 != 0) {
                throw new IllegalArgumentException("model '" + name + "': rope positions need an even head size,"
                        + " d_model / num_heads = " + dModel / numHeads);
            }
        }

        /** {@link #positions()} as the model's enum. */
        public PositionEncoding positionEncoding() {
            return PositionEncoding.fromConfigName(positions);
        }
    }

    /**
     * An AR regulariser (the paper's ablation): input masking and/or dropout.
     *
     * @param name            short label used in run names, e.g. "mask0.1"
     * @param inputMaskRatio  probability of replacing each AR input token by the mask token, in [0, 1)
     * @param dropout         dropout probability in the transformer, in [0, 1)
     * @param uniqueTokens    the U values it runs at (each one of the sweep's), or null (an optional key)
     *                        for every U
     */
    public record RegularizerSpec(String name, double inputMaskRatio, double dropout, List<Long> uniqueTokens) {
        public RegularizerSpec {
            requireName("regularizer", name);
            if (!(inputMaskRatio >= 0 && inputMaskRatio < 1) || !(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("regularizer '" + name + "' needs input_mask_ratio and dropout"
                        + " in [0, 1)");
            }
            uniqueTokens = uniqueTokens == null ? null : nonEmpty("regularizer '" + name + "' unique_tokens", uniqueTokens);
        }

        /** Whether the regulariser runs at U = {@code u}. */
        public boolean runsAt(long u) {
            return uniqueTokens == null || uniqueTokens.contains(u);
        }
    }

    /** The diffusion models' multiple-choice estimator of a spec without the key. */
    public static final String DEFAULT_MC_ESTIMATOR = Estimator.PAPER.label();

    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public SweepSpec {
        requireName("sweep", name);
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(mcFile, "mc_file");
        objectives = nonEmpty("objectives", objectives);
        uniqueTokens = nonEmpty("unique_tokens", uniqueTokens);
        models = nonEmpty("models", models);
        regularizers = List.copyOf(Objects.requireNonNull(regularizers, "regularizers"));
        seeds = nonEmpty("seeds", seeds);
        if (mcEstimator == null) {
            mcEstimator = DEFAULT_MC_ESTIMATOR;
        }
        Estimator estimator = Estimator.of(mcEstimator);
        if (estimator == Estimator.EXACT) {
            throw new IllegalArgumentException("mc_estimator 'exact' is AR's (always used for AR); for diffusion"
                    + " choose chain-rule, paper, llada or mdlm");
        }
        for (String objective : objectives) {
            Objectives.create(objective, org.dlm4j.objective.ObjectiveOptions.defaults(0));
        }
        unique("objectives", objectives);
        unique("unique_tokens", uniqueTokens);
        unique("models", models.stream().map(ModelSpec::name).toList());
        unique("regularizers", regularizers.stream().map(RegularizerSpec::name).toList());
        unique("seeds", seeds);
        if (totalTokens <= 0) {
            throw new IllegalArgumentException("total_tokens M must be positive, got " + totalTokens);
        }
        for (long u : uniqueTokens) {
            if (u <= 0) {
                throw new IllegalArgumentException("unique_tokens must be positive, got " + u);
            }
            if (totalTokens < u) {
                throw new IllegalArgumentException("total tokens M=" + totalTokens + " is less than unique tokens U="
                        + u + " (less than one epoch)");
            }
        }
        if (batchSize <= 0 || evalPoints <= 0 || evalBatches <= 0 || valWindows <= 0 || boundSamples <= 0
                || mcItems < 0 || mcSamples <= 0) {
            throw new IllegalArgumentException("batch_size, eval_points, eval_batches, val_windows, bound_samples and"
                    + " mc_samples must be positive and mc_items >= 0");
        }
        for (ModelSpec model : models) {
            long perStep = (long) batchSize * model.contextLength();
            if (totalTokens % perStep != 0) {
                throw new IllegalArgumentException("total tokens M=" + totalTokens + " is not a multiple of B x T = "
                        + batchSize + " x " + model.contextLength() + " for model '" + model.name() + "'");
            }
            long steps = totalTokens / perStep;
            if (steps < evalPoints) {
                throw new IllegalArgumentException("model '" + model.name() + "' takes " + steps
                        + " steps, fewer than eval_points " + evalPoints);
            }
            for (long u : uniqueTokens) {
                if (u < model.contextLength() + 1L) {
                    throw new IllegalArgumentException("unique tokens U=" + u + " hold no window of T+1="
                            + (model.contextLength() + 1) + " tokens for model '" + model.name() + "'");
                }
            }
        }
        for (RegularizerSpec regularizer : regularizers) {
            if (regularizer.uniqueTokens() != null && !uniqueTokens.containsAll(regularizer.uniqueTokens())) {
                throw new IllegalArgumentException("regularizer '" + regularizer.name() + "' runs at unique_tokens "
                        + regularizer.uniqueTokens() + ", not all of them in the sweep's " + uniqueTokens);
            }
        }
    }

    /** Optimizer steps of every run of {@code model}: M / (B T). */
    public long steps(ModelSpec model) {
        return totalTokens / ((long) batchSize * model.contextLength());
    }

    /** This spec with other seeds. */
    public SweepSpec withSeeds(List<Long> newSeeds) {
        return new SweepSpec(name, data, mcFile, mcHardFile, objectives, uniqueTokens, totalTokens, models, regularizers,
                batchSize, lr, minLr, warmupSteps, weightDecay, evalPoints, evalBatches, valWindows, boundSamples, mcItems,
                mcSamples, mcEstimator, newSeeds);
    }

    /** Every run of the grid, in the order a sweep runs them: seed, model, U (largest first), objective, regulariser. */
    public List<GridRun> runs() {
        List<GridRun> runs = new ArrayList<>();
        List<Long> byU = uniqueTokens.stream().sorted((a, b) -> Long.compare(b, a)).toList();
        for (long seed : seeds) {
            for (ModelSpec model : models) {
                for (long u : byU) {
                    for (String objective : objectives) {
                        runs.add(new GridRun(objective, u, model, null, seed));
                        if (objective.equals("ar")) {
                            for (RegularizerSpec regularizer : regularizers) {
                                if (regularizer.runsAt(u)) {
                                    runs.add(new GridRun(objective, u, model, regularizer, seed));
                                }
                            }
                        }
                    }
                }
            }
        }
        return runs;
    }

    /** The spec as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JacksonException e) {
            throw new IllegalStateException("sweep spec cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The spec as a JSON tree (for comparing manifests). */
    public JsonNode toTree() {
        return JSON.valueToTree(this);
    }

    /** A spec from JSON text; {@code source} names it in error messages. */
    public static SweepSpec fromJson(String text, String source) {
        try {
            SweepSpec spec = JSON.treeToValue(withDefaults(JSON.readTree(text)), SweepSpec.class);
            if (spec == null) {
                throw new IllegalArgumentException(source + ": empty sweep spec");
            }
            return spec;
        } catch (JacksonException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            String original = String.valueOf(e.getOriginalMessage());
            String why = cause != null ? cause.getMessage()
                    : e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown
                    ? "unknown key '" + unknown.getPropertyName() + "'"
                    : original.startsWith("Missing creator property")
                    ? "missing key" + original.replaceFirst("Missing creator property( '[^']*').*", "$1")
                    : original.lines().findFirst().orElse("");
            throw new IllegalArgumentException(source + ": " + why);
        }
    }

    /** The diffusion models' multiple-choice estimator. */
    public Estimator diffusionMcEstimator() {
        return Estimator.of(mcEstimator);
    }

    /**
     * The tree with the optional keys filled in where absent: {@code "mc_estimator": "paper"},
     * {@code "mc_hard_file": null}, {@code "positions": "rope"} in every model and {@code "unique_tokens": null}
     * in every regulariser (the mapper otherwise requires every creator property).
     */
    private static JsonNode withDefaults(JsonNode tree) {
        if (tree instanceof ObjectNode object && !object.has("mc_estimator")) {
            object.put("mc_estimator", DEFAULT_MC_ESTIMATOR);
        }
        if (tree instanceof ObjectNode object && !object.has("mc_hard_file")) {
            object.putNull("mc_hard_file");
        }
        if (tree != null && tree.get("regularizers") instanceof ArrayNode regularizers) {
            for (JsonNode regularizer : regularizers) {
                if (regularizer instanceof ObjectNode object && !object.has("unique_tokens")) {
                    object.putNull("unique_tokens");
                }
            }
        }
        if (tree != null && tree.get("models") instanceof ArrayNode models) {
            for (JsonNode model : models) {
                if (model instanceof ObjectNode object && !object.has("positions")) {
                    object.put("positions", ModelSpec.DEFAULT_POSITIONS);
                }
            }
        }
        return tree;
    }

    /** Reads a spec file. */
    public static SweepSpec read(Path file) {
        try {
            return fromJson(Files.readString(file), "sweep spec " + file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("sweep spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read sweep spec " + file + ": " + AtomicOutput.reason(e));
        }
    }

    private static <T> List<T> nonEmpty(String field, List<T> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("empty grid: " + field + " has no values");
        }
        for (T value : values) {
            Objects.requireNonNull(value, field + " holds a null");
        }
        return List.copyOf(values);
    }

    private static void unique(String field, List<?> values) {
        if (new HashSet<>(values).size() != values.size()) {
            throw new IllegalArgumentException(field + " lists a value twice: " + values);
        }
    }

    private static void requireName(String what, String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(what + " name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
    }
}
