package org.dlm4j.data;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * GPT-2's tokenizer (OpenAI's r50k_base byte-level BPE), through the jtokkit library.
 *
 * <p>Ids: 0..50255 are GPT-2's BPE tokens, {@value #END_OF_TEXT} is GPT-2's {@code <|endoftext|>},
 * {@value #MASK} is our diffusion mask, and 50258..50303 are unused padding so that
 * {@code vocabSize} = {@value #VOCAB_SIZE}, a multiple of 64 as in nanoGPT (faster matmuls). {@code encode}
 * treats special-token text such as "&lt;|endoftext|&gt;" as ordinary characters.
 */
public final class Gpt2Tokenizer implements Tokenizer {
    public static final int END_OF_TEXT = 50256;
    public static final int MASK = 50257;
    public static final int VOCAB_SIZE = 50304;
    public static final String NAME = "gpt2";
    /** What {@link #decode} writes for an id in the padding range. */
    public static final String UNUSED_MARKER = "<|unused|>";

    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        var text = new StringBuilder();
        var pending = new IntArrayList();
        for (int id : ids) {
            if (id >= 0 && id < END_OF_TEXT) {
                pending.add(id);
                continue;
            }
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + id + " is outside the GPT-2 vocabulary [0, " + VOCAB_SIZE + ")");
            }
            flush(pending, text);
            text.append(id == END_OF_TEXT ? END_OF_TEXT_MARKER : id == MASK ? MASK_MARKER : UNUSED_MARKER);
        }
        flush(pending, text);
        return text.toString();
    }

    private void flush(IntArrayList pending, StringBuilder text) {
        if (!pending.isEmpty()) {
            byte[] bytes = encoding.decodeBytes(pending);
            text.append(Utf8.decodeLenient(bytes, bytes.length));
            pending.clear();
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
