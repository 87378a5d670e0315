package org.dlm4j.data;

/**
 * Text to token ids and back.
 *
 * <p>Contract: ids are in {@code [0, vocabSize())}; {@link #vocabSize()} counts the special ids too (and any
 * padding), so it is the size of the model's embedding table. {@code encode} never produces a special id:
 * end-of-text is appended by whoever joins documents ({@link DatasetWriter}), the mask id by the diffusion
 * objective. For every string {@code s} of valid UTF-8 text, {@code decode(encode(s)).equals(s)}.
 * {@code decode} accepts any id sequence (a model may emit anything): bytes that do not form valid UTF-8
 * become U+FFFD and special ids are rendered as readable markers such as {@code <|endoftext|>}.
 */
public interface Tokenizer {

    /** Marker that {@link #decode} writes for the end-of-text id. */
    String END_OF_TEXT_MARKER = "<|endoftext|>";

    /** Marker that {@link #decode} writes for the mask id. */
    String MASK_MARKER = "<|mask|>";

    int[] encode(String text);

    String decode(int[] ids);

    /** Number of ids, specials and padding included. */
    int vocabSize();

    /** The id the masked-diffusion objective puts in place of a hidden token. */
    int maskId();

    /** The id that ends a document in a token file. */
    int endOfTextId();

    /** The name {@link Tokenizers#byName} knows this tokenizer by: {@code bytes}, {@code bpe} or {@code gpt2}. */
    String name();
}
