package org.dlm4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts text into pieces before BPE, so merges never cross a word boundary (as GPT-2 does).
 *
 * <p>A piece is one of, tried in this order:
 * <ol>
 *   <li>{@code " ?\p{L}+"}: a run of letters, with the single space before it if there is one;
 *   <li>{@code " ?\p{N}+"}: a run of digits, likewise;
 *   <li>{@code " ?[^\s\p{L}\p{N}]+"}: a run of punctuation and symbols, likewise;
 *   <li>{@code "\s+(?!\S)"}: whitespace that is not followed by a visible character (keeps the last
 *       space for the next word);
 *   <li>{@code "\s+"}: any other whitespace.
 * </ol>
 * This is GPT-2's split without its English contraction rules. Every character matches one of the
 * alternatives, so the pieces concatenate back to the input exactly (checked, not assumed).
 */
final class PreSplitter {
    static final String PATTERN_TEXT = " ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT);

    private PreSplitter() {
    }

    static List<String> split(String text) {
        var pieces = new ArrayList<String>();
        var matcher = PATTERN.matcher(text);
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() != end) {
                throw new IllegalStateException("pre-split skipped characters at index " + end);
            }
            pieces.add(matcher.group());
            end = matcher.end();
        }
        if (end != text.length()) {
            throw new IllegalStateException("pre-split stopped at index " + end + " of " + text.length());
        }
        return pieces;
    }
}
