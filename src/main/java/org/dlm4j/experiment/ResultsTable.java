package org.dlm4j.experiment;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dlm4j.train.AtomicFiles;
import org.dlm4j.train.MetricsLog;

/**
 * The sweep's results as DIR/results.jsonl (one JSON object per {@link EvalPoint}, keys
 * {@link EvalPoint#COLUMNS}, {@code "regularizer": null} for plain runs) and DIR/results.csv (a header
 * line of the same columns, then one line per point; an empty field for a null regulariser). Both are
 * rewritten whole and atomically, so a reader never sees half a table.
 */
public final class ResultsTable {

    public static final String JSONL_FILE = "results.jsonl";
    public static final String CSV_FILE = "results.csv";

    private static final JsonMapper JSON = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private ResultsTable() {
    }

    /** Writes both files into {@code dir}. */
    public static void write(Path dir, List<EvalPoint> points) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        StringBuilder csv = new StringBuilder(String.join(",", EvalPoint.COLUMNS)).append('\n');
        for (EvalPoint point : points) {
            Map<String, Object> row = point.toMap();
            try {
                jsonl.append(JSON.writeValueAsString(row)).append('\n');
            } catch (JacksonException e) {
                throw new IllegalStateException("results row cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
            boolean first = true;
            for (Object value : row.values()) {
                csv.append(first ? "" : ",").append(csvField(value));
                first = false;
            }
            csv.append('\n');
        }
        AtomicFiles.writeString(dir.resolve(JSONL_FILE), jsonl.toString());
        AtomicFiles.writeString(dir.resolve(CSV_FILE), csv.toString());
    }

    /** Reads DIR/results.jsonl back. */
    public static List<EvalPoint> read(Path dir) throws IOException {
        return MetricsLog.read(dir.resolve(JSONL_FILE)).stream().map(EvalPoint::fromMap).toList();
    }

    private static String csvField(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
