package org.dlm4j.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.AtomicOutput;

/**
 * A run's metrics as JSON lines ({@code metrics.jsonl}): one JSON object per line, such as
 * {@code {"step":100,"train_loss":2.31,"lr":0.0006}}, appended and flushed line by line so that a
 * crashed run loses at most the line being written and a plot can read the file while it grows.
 *
 * <p>Resuming: {@link #open} appends to an existing log after dropping a last line that a crash
 * left without its newline; {@link #keepUpToStep} removes the records a resumed run will write
 * again. {@link #read} returns the records as ordered maps (numbers come back as Integer, Long or
 * Double). Non-finite numbers are written as the bare tokens {@code NaN} and {@code Infinity}, as
 * Python's json module does, so that a diverged loss is recorded and read back as a double.
 */
public final class MetricsLog implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Path file;
    private final Writer out;

    private MetricsLog(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file} for appending (creating it and its folders), repairing a torn last line. */
    public static MetricsLog open(Path file) throws IOException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            dropTornLastLine(file);
            Writer writer = new BufferedWriter(Channels.newWriter(FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND), StandardCharsets.UTF_8));
            return new MetricsLog(file, writer);
        } catch (IOException e) {
            throw AtomicOutput.failed("open", file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Appends {@code record} as one JSON line and flushes it. */
    public void append(Map<String, ?> record) throws IOException {
        String line;
        try {
            line = JSON.writeValueAsString(record);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("metrics record cannot be written as JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw AtomicOutput.failed("append to", file, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            throw AtomicOutput.failed("close", file, e);
        }
    }

    /**
     * All records of {@code file}, in order. Blank lines are skipped, and so is a last line without
     * a newline that does not parse (a write cut short); any other bad line is an error naming it.
     */
    public static List<Map<String, Object>> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AtomicOutput.failed("read", file, e);
        }
        String[] lines = text.split("\n", -1);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean torn = i == lines.length - 1; // the text after the last newline
            try {
                Object value = JSON.readValue(line, Object.class);
                if (value instanceof Map<?, ?> map) {
                    records.add(asRecord(map));
                    continue;
                }
                if (!torn) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a JSON object");
                }
            } catch (JacksonException e) {
                if (!torn) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + " is not valid JSON: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
                }
            }
        }
        return records;
    }

    /**
     * Rewrites {@code file} (atomically) keeping only the records whose {@code "step"} is at most
     * {@code step}, plus those without a step; a resumed run calls this before {@link #open} so that
     * the steps it repeats are not logged twice.
     */
    public static void keepUpToStep(Path file, long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (Map<String, Object> record : read(file)) {
            if (!(record.get("step") instanceof Number number) || number.longValue() <= step) {
                kept.append(JSON.writeValueAsString(record)).append('\n');
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asRecord(Map<?, ?> map) {
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    /** Truncates {@code file} after its last newline, if its last byte is not one. */
    private static void dropTornLastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            long keep = size;
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                channel.truncate(keep);
            }
        }
    }
}
