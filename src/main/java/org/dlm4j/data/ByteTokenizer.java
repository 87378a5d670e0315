package org.dlm4j.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.dlm4j.exercise.Exercise;

/**
 * The simplest tokenizer: one id per UTF-8 byte.
 *
 * <p>Ids: 0..255 are the byte values, {@value #END_OF_TEXT} ends a document, {@value #MASK} is the
 * diffusion mask; vocabulary size {@value #VOCAB_SIZE}. Any text round-trips exactly because UTF-8 is
 * lossless and every byte has its own id.
 */
public final class ByteTokenizer implements Tokenizer {
    public static final int END_OF_TEXT = 256;
    public static final int MASK = 257;
    public static final int VOCAB_SIZE = 258;
    public static final String NAME = "bytes";

    /**
     * One id per byte of the text's UTF-8 encoding, the byte's unsigned value 0..255 (Java's bytes are
     * signed: 0xC3 is -61 as a byte and must become 195).
     */
    @Override
    @Exercise("L07.1")
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        var text = new StringBuilder();
        var pending = new ByteArrayOutputStream(); // bytes not yet turned into characters
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                pending.write(id);
                continue;
            }
            flush(pending, text);
            text.append(switch (id) {
                case END_OF_TEXT -> END_OF_TEXT_MARKER;
                case MASK -> MASK_MARKER;
                default -> throw new IllegalArgumentException(
                        "token id " + id + " is outside the byte vocabulary [0, " + VOCAB_SIZE + ")");
            });
        }
        flush(pending, text);
        return text.toString();
    }

    private static void flush(ByteArrayOutputStream pending, StringBuilder text) {
        if (pending.size() > 0) {
            text.append(Utf8.decodeLenient(pending.toByteArray(), pending.size()));
            pending.reset();
        }
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int maskId() {
        return MASK;
    }

    @Override
    public int endOfTextId() {
        return END_OF_TEXT;
    }

    @Override
    public String name() {
        return NAME;
    }
}
