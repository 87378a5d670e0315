package org.dlm4j.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One multiple-choice item: a context and candidate endings, exactly one of which ({@code label}) fits.
 * The evaluator scores each {@code context + " " + ending} with the model and picks the most likely ending.
 *
 * <p>JSONL schema (one item per line, fields in this order):
 * {@code {"id": "story00009-0", "context": "Once upon a time, ...", "endings": ["...", "...", "...", "..."], "label": 2}}
 * where {@code label} is the 0-based index of the correct ending.
 */
@JsonPropertyOrder({"id", "context", "endings", "label"})
public record MultipleChoice(
        @JsonProperty(required = true, value = "id") String id,
        @JsonProperty(required = true, value = "context") String context,
        @JsonProperty(required = true, value = "endings") List<String> endings,
        @JsonProperty(required = true, value = "label") int label) {

    public MultipleChoice {
        if (id == null || context == null || endings == null) {
            throw new IllegalArgumentException("id, context and endings are required");
        }
        for (int i = 0; i < endings.size(); i++) {
            if (endings.get(i) == null) {
                throw new IllegalArgumentException("item " + id + " has no text for ending " + i + " (null)");
            }
        }
        endings = List.copyOf(endings);
        if (endings.size() < 2) {
            throw new IllegalArgumentException("item " + id + " needs at least 2 endings, got " + endings.size());
        }
        if (label < 0 || label >= endings.size()) {
            throw new IllegalArgumentException("item " + id + " has label " + label + " outside [0, " + endings.size() + ")");
        }
    }

    /** Writes one JSON object per line (UTF-8, {@code \n} line ends), byte-identical for equal items. */
    public static void writeJsonl(Path file, List<MultipleChoice> items) {
        var text = new StringBuilder();
        try {
            for (MultipleChoice item : items) {
                text.append(Json.COMPACT.writeValueAsString(item)).append('\n');
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("write", file, e);
        }
    }

    /** Reads a JSONL file; blank lines are skipped; any bad line fails with its file and line number. */
    public static List<MultipleChoice> readJsonl(Path file) {
        InputPaths.requireFile(file, "multiple-choice file");
        var items = new ArrayList<MultipleChoice>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    items.add(Json.MAPPER.readValue(line, MultipleChoice.class));
                } catch (IOException e) {
                    Throwable cause = e.getCause();
                    String why = cause instanceof IllegalArgumentException ? cause.getMessage() : Json.oneLineAt(e);
                    throw new IllegalArgumentException(file + " line " + number + ": " + why, e);
                }
            }
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("read", file, e);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("multiple-choice file " + file + " has no items");
        }
        return items;
    }
}
