package org.dlm4j.train;

import com.fasterxml.jackson.core.JacksonException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.data.Json;

/**
 * A training run's output folder OUT as files: {@code config.json}, {@code metrics.jsonl} and
 * {@code checkpoint/} (see {@link Checkpoint}), plus, while they are being written, {@code checkpoint.tmp/}
 * and hidden {@code .config.json.*.tmp} / {@code .metrics.jsonl.*.tmp} files ({@link AtomicFiles}).
 *
 * <p>An <em>unstarted run</em> is a folder that holds no checkpoint and nothing but these files: a run
 * stopped before its first checkpoint. It cannot be resumed (there is nothing to resume from) and holds
 * nothing a new run would lose, so a new run may take it over and {@code --resume} may start it again
 * from step 0. That is what makes a run killed with kill -9 (which no program can catch) usable again.
 * Any other entry (a file of the user's) makes the folder simply "not empty".
 */
public final class RunFolder {

    private RunFolder() {
    }

    /** Whether {@code out} is a folder without a checkpoint that holds only a run's own files (or nothing). */
    public static boolean isUnstarted(Path out) throws IOException {
        if (!Files.isDirectory(out) || Checkpoint.exists(out)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(out)) {
            for (Path entry : entries) {
                if (!isRunFile(entry.getFileName().toString())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The config of the unstarted run in {@code out} (its config.json), or null if there is none. */
    public static TrainConfig unstartedConfig(Path out) throws IOException {
        Path file = out.resolve(Trainer.CONFIG_FILE);
        if (!isUnstarted(out) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return TrainConfigJson.fromTree(TrainConfigJson.JSON.readTree(Files.readString(file)), file.toString());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + Json.oneLine(e));
        } catch (IOException e) {
            throw AtomicOutput.failed("read", file, e);
        }
    }

    /**
     * Deletes what an unstarted run wrote into {@code out}, and the folder itself once it is empty. A
     * folder with a checkpoint is left alone, and so is every entry that is not a run's own file.
     */
    public static void discardUnstarted(Path out) throws IOException {
        if (!Files.isDirectory(out) || Checkpoint.exists(out)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(out)) {
            for (Path entry : entries) {
                if (isRunFile(entry.getFileName().toString())) {
                    AtomicOutput.deleteRecursively(entry);
                }
            }
        }
        if (Checkpoint.isEmptyFolder(out)) {
            Files.deleteIfExists(out);
        }
    }

    private static boolean isRunFile(String name) {
        return name.equals(Trainer.CONFIG_FILE) || name.equals(Trainer.METRICS_FILE) || name.equals(Checkpoint.TEMPORARY)
                || isTemporaryFileOf(name, Trainer.CONFIG_FILE) || isTemporaryFileOf(name, Trainer.METRICS_FILE);
    }

    /** AtomicFiles' temporary file of {@code target}: ".target.RANDOM.tmp". */
    private static boolean isTemporaryFileOf(String name, String target) {
        return name.startsWith("." + target + ".") && name.endsWith(".tmp");
    }
}
