package org.dlm4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The package's Jackson set-up: strict on read, stable field order on write, one-line error text
 * ({@link #oneLine} is public so that every layer's JSON errors read the same).
 */
public final class Json {
    /**
     * Fails on unknown fields (a typo in a hand-edited file), on missing required ones and on a fraction
     * where an integer belongs; pretty-prints on write.
     */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // "label": 1.5 is an error, not 1
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes compactly, one JSON value per line (for JSONL). */
    static final ObjectMapper COMPACT = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    /** Jackson's "(start marker at [Source: ...; line: 1, column: 1])": noise in a one-line error. */
    private static final Pattern START_MARKER = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)");
    /** Jackson's advice to Java programmers, "(but could if coercion was enabled using `CoercionConfig`)". */
    private static final Pattern COERCION_HINT = Pattern.compile("\\s*\\(but could if coercion was enabled[^)]*\\)");

    private Json() {
    }

    /**
     * Jackson's message without the source-location lines it appends, and without the
     * "(start marker at [Source: REDACTED ...])" it puts inside some messages, so it fits an error line.
     */
    public static String oneLine(IOException e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        return COERCION_HINT.matcher(START_MARKER.matcher(first).replaceAll("")).replaceAll("").strip();
    }

    /** {@link #oneLine} followed by the field it is about, " (at model.d_model)", when Jackson knows it. */
    public static String oneLineAt(IOException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
                }
            }
        }
        return oneLine(e) + (path.isEmpty() ? "" : " (at " + path + ")");
    }
}
