package org.dlm4j.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.data.InputPaths;
import org.dlm4j.data.Json;
import org.dlm4j.data.SamplerPosition;
import org.dlm4j.nn.Module;
import org.dlm4j.nn.Parameter;

/**
 * A run's checkpoint: the folder {@code OUT/checkpoint/} holding
 * <ul>
 *   <li>{@code model.safetensors}: the weights by parameter name (PyTorch's names and layouts,
 *       so {@code safetensors.torch.load_file} reads them),</li>
 *   <li>{@code optimizer.safetensors}: AdamW's {@code m.<name>} and {@code v.<name>},</li>
 *   <li>{@code state.json}: format version, the full {@link TrainConfig}, the step, tokens seen,
 *       the sampler position, the seed (every other stream is derived from it, see {@link Seeds})
 *       and which data it was trained on.</li>
 * </ul>
 *
 * <p>Never half-written: the files go to {@code OUT/checkpoint.tmp/}, are forced to disk, and the
 * folder then replaces the old one by two renames ({@code checkpoint -> checkpoint.old},
 * {@code checkpoint.tmp -> checkpoint}) before {@code checkpoint.old} is deleted. A crash between
 * the renames leaves {@code checkpoint.old} complete; {@link #load} falls back to it. A leftover
 * {@code checkpoint.tmp} is always incomplete and is ignored and replaced; a failed save removes it.
 *
 * <p>{@link #load} refuses a checkpoint with a NaN or infinite value in any tensor, naming it: such
 * weights only ever evaluate to NaN. ({@link Trainer} never saves them.)
 */
public final class Checkpoint {

    public static final String FOLDER = "checkpoint";
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "state.json";
    public static final int FORMAT_VERSION = 1;

    static final String TEMPORARY = FOLDER + ".tmp";
    private static final String PREVIOUS = FOLDER + ".old";

    /**
     * Where a run stands, as saved in {@code state.json}.
     *
     * @param config       the run's concrete config ({@link TrainConfig#forData})
     * @param step         optimizer steps done
     * @param tokens       training tokens seen
     * @param sampler      the data sampler's position
     * @param data         the dataset it trained on: folder, tokenizer, vocabulary, train tokens
     */
    public record State(TrainConfig config, long step, long tokens, SamplerPosition sampler, DataIdentity data) {
    }

    /** Enough about a dataset to notice resuming on different data. */
    public record DataIdentity(String tokenizer, int vocabSize, long trainTokens, long valTokens) {
    }

    /** A checkpoint read back: its state, the weights and the optimizer arrays by name. */
    public record Loaded(State state, Map<String, NamedArray> weights, Map<String, NamedArray> optimizer,
                         Path folder) {

        /** Copies the weights into {@code model}'s parameters (names and shapes must match exactly). */
        public void restoreWeights(Module model) {
            Map<String, Parameter> parameters = model.namedParameters();
            for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
                NamedArray saved = weights.get(entry.getKey());
                if (saved == null) {
                    throw new IllegalArgumentException("checkpoint " + folder + " has no weight '" + entry.getKey() + "'");
                }
                if (!Arrays.equals(saved.shape(), entry.getValue().shape())) {
                    throw new IllegalArgumentException("checkpoint " + folder + " weight '" + entry.getKey()
                            + "' has shape " + Arrays.toString(saved.shape()) + ", the model needs "
                            + Arrays.toString(entry.getValue().shape()));
                }
                System.arraycopy(saved.data(), 0, entry.getValue().data(), 0, saved.size());
            }
            if (weights.size() != parameters.size()) {
                List<String> extra = new ArrayList<>(weights.keySet());
                extra.removeAll(parameters.keySet());
                throw new IllegalArgumentException("checkpoint " + folder + " has weights the model does not: " + extra);
            }
        }
    }

    private Checkpoint() {
    }

    /** The checkpoint folder of run folder {@code out}. */
    public static Path folder(Path out) {
        return out.resolve(FOLDER);
    }

    /** Whether {@code out} holds a checkpoint (complete, or recoverable from an interrupted swap). */
    public static boolean exists(Path out) {
        return Files.isDirectory(out.resolve(FOLDER)) || Files.isDirectory(out.resolve(PREVIOUS));
    }

    /**
     * Writes a checkpoint of {@code model}, {@code optimizer} and {@code state} into {@code out}, replacing
     * any. On failure (a full disk, say) the previous checkpoint stays complete and the temporary folder is
     * removed; the IOException names the file, the operation and the reason.
     */
    public static void save(Path out, Module model, Optimizer optimizer, State state) throws IOException {
        Path temporary = out.resolve(TEMPORARY);
        try {
            deleteTree(temporary);
            Files.createDirectories(temporary);
        } catch (IOException e) {
            throw AtomicOutput.failed("create the folder", temporary, e);
        }
        try {
            writeFiles(temporary, model, optimizer, state);
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(temporary, e);
            throw e;
        }
        // At every instant one complete checkpoint is reachable by load(): "checkpoint", or "checkpoint.old"
        // while "checkpoint" is missing. So "checkpoint.old" is only deleted while "checkpoint" exists.
        Path current = out.resolve(FOLDER);
        Path previous = out.resolve(PREVIOUS);
        try {
            if (Files.exists(current)) {
                deleteTree(previous);
                move(current, previous);
            }
            move(temporary, current);
            syncFolder(out); // make the renames themselves durable, not only the files' bytes
            deleteTree(previous);
        } catch (IOException e) {
            // "checkpoint" or, if the first rename went through, "checkpoint.old" still holds the previous one
            IOException failure = AtomicOutput.failed("move the new checkpoint into", current, e);
            deleteAfterFailure(temporary, failure);
            throw failure;
        }
    }

    /** Removes a temporary folder after {@code failure}; if that fails too, the reason is attached to it. */
    private static void deleteAfterFailure(Path temporary, Exception failure) {
        try {
            deleteTree(temporary);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private static void writeFiles(Path folder, Module model, Optimizer optimizer, State state) throws IOException {
        Safetensors.write(folder.resolve(MODEL_FILE), NamedArray.of(model.namedParameters()), Map.of("format", "pt"));
        Safetensors.write(folder.resolve(OPTIMIZER_FILE), optimizer.state(),
                Map.of("optimizer", "adamw", "step", Long.toString(optimizer.stepCount())));
        AtomicFiles.writeString(folder.resolve(STATE_FILE), stateJson(state));
    }

    /** Forces a folder's entries to disk (Linux allows fsync on a directory); a no-op where that is refused. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory as a channel; the renames stay atomic, only less durable.
        }
    }

    /** Reads the checkpoint of run folder {@code out}; every problem is a one-line error naming the file. */
    public static Loaded load(Path out) throws IOException {
        Path folder = out.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            Path previous = out.resolve(PREVIOUS);
            if (!Files.isDirectory(previous)) {
                throw new IllegalArgumentException("no checkpoint to resume in " + out + " (expected " + folder + ")");
            }
            folder = previous; // the process died between the two renames of save(); the old one is complete
        }
        State state = readState(folder.resolve(STATE_FILE));
        Map<String, NamedArray> weights = readFiniteTensors(folder.resolve(MODEL_FILE));
        Map<String, NamedArray> optimizer = readFiniteTensors(folder.resolve(OPTIMIZER_FILE));
        return new Loaded(state, weights, optimizer, folder);
    }

    /** The tensors of a checkpoint file; one that is not finite everywhere is refused, naming the tensor. */
    private static Map<String, NamedArray> readFiniteTensors(Path file) throws IOException {
        Map<String, NamedArray> tensors = Safetensors.read(InputPaths.requireFile(file, "checkpoint file")).tensors();
        String notFinite = NamedArray.firstNonFinite(tensors.values());
        if (notFinite != null) {
            throw new IllegalArgumentException("checkpoint file " + file + " is not usable: " + notFinite
                    + " (dlm4j never saves such values; the file was changed or written by another program)");
        }
        return tensors;
    }

    static String stateJson(State state) {
        ObjectNode root = TrainConfigJson.JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("step", state.step());
        root.put("tokens", state.tokens());
        root.put("seed", state.config().seed());
        root.set("sampler", TrainConfigJson.JSON.valueToTree(state.sampler()));
        root.set("data", TrainConfigJson.JSON.valueToTree(state.data()));
        root.set("config", TrainConfigJson.toTree(state.config()));
        try {
            return TrainConfigJson.JSON.writeValueAsString(root) + "\n";
        } catch (JacksonException e) {
            throw new IllegalStateException("checkpoint state cannot be written as JSON", e);
        }
    }

    static State readState(Path file) throws IOException {
        JsonNode root;
        try {
            root = TrainConfigJson.JSON.readTree(Files.readString(InputPaths.requireFile(file, "checkpoint file")));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("checkpoint file " + file + " is not valid JSON: " + Json.oneLine(e));
        } catch (IOException e) {
            throw AtomicOutput.failed("read", file, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("checkpoint file " + file + " is not a JSON object");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.canConvertToInt() || version.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint file " + file + " has format_version " + version
                    + ", this dlm4j reads version " + FORMAT_VERSION);
        }
        try {
            TrainConfig config = TrainConfigJson.fromTree(required(root, "config", file), file.toString());
            SamplerPosition sampler = TrainConfigJson.JSON.treeToValue(required(root, "sampler", file),
                    SamplerPosition.class);
            DataIdentity data = TrainConfigJson.JSON.treeToValue(required(root, "data", file), DataIdentity.class);
            long step = required(root, "step", file).asLong(-1);
            long tokens = required(root, "tokens", file).asLong(-1);
            if (step < 0 || tokens < 0 || step != sampler.step()) {
                throw new IllegalArgumentException("checkpoint file " + file + " has inconsistent step/tokens ("
                        + step + ", " + tokens + ", sampler step " + sampler.step() + ")");
            }
            return new State(config, step, tokens, sampler, data);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("checkpoint file " + file + " is malformed: " + Json.oneLine(e));
        }
    }

    private static JsonNode required(JsonNode root, String key, Path file) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("checkpoint file " + file + " has no '" + key + "'");
        }
        return node;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        AtomicOutput.deleteRecursively(root);
    }

    /** Whether {@code folder} holds no entries (a missing folder counts as empty). */
    static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            return !entries.iterator().hasNext();
        }
    }
}
