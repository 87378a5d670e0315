package org.dlm4j.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dlm4j.data.Tokenizer;

/**
 * An infilling request: a text with masked spans written {@code [MASK:N]} (N mask tokens; {@code [MASK]}
 * is one), e.g. {@code "The cat [MASK:5] the mat"}. The text between spans is encoded piece by piece
 * with the tokenizer, and each span becomes N mask ids, so a {@link DiffusionSampler} fills exactly
 * those positions and keeps every other token.
 *
 * @param tokens the encoded sequence, mask ids at the spans
 * @param masked the number of mask ids
 */
public record Infill(int[] tokens, int masked) {
    private static final Pattern SPAN = Pattern.compile("\\[MASK(?::(\\d+))?]");
    private static final Pattern SPAN_START = Pattern.compile("\\[MASK");

    /** Parses {@code text}; errors name the problem: no span, a malformed span, or a zero-length span. */
    public static Infill parse(String text, Tokenizer tokenizer) {
        List<Integer> ids = new ArrayList<>();
        int masked = 0;
        int end = 0;
        Matcher starts = SPAN_START.matcher(text);
        while (starts.find()) {
            Matcher span = SPAN.matcher(text).region(starts.start(), text.length());
            if (!span.lookingAt()) {
                int stop = text.indexOf(']', starts.start());
                String shown = stop < 0 ? text.substring(starts.start()) : text.substring(starts.start(), stop + 1);
                throw new IllegalArgumentException("malformed mask span '" + shown
                        + "' in the infill text (write [MASK:N] with N >= 1, or [MASK])");
            }
            int count = span.group(1) == null ? 1 : parseCount(span.group(0), span.group(1));
            for (int id : tokenizer.encode(text.substring(end, span.start()))) {
                ids.add(id);
            }
            for (int i = 0; i < count; i++) {
                ids.add(tokenizer.maskId());
            }
            masked += count;
            end = span.end();
        }
        if (masked == 0) {
            throw new IllegalArgumentException("the infill text has no [MASK:N] span to fill");
        }
        for (int id : tokenizer.encode(text.substring(end))) {
            ids.add(id);
        }
        return new Infill(ids.stream().mapToInt(Integer::intValue).toArray(), masked);
    }

    private static int parseCount(String span, String digits) {
        int count;
        try {
            count = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mask span '" + span + "' is too long");
        }
        if (count <= 0) {
            throw new IllegalArgumentException("mask span '" + span + "' must hold at least one token");
        }
        return count;
    }
}
