package org.dlm4j.sample;

/**
 * A causal language model seen one position at a time: {@link #start} reads a prompt and gives the
 * logits for the token after it; each {@link #next} appends one token and gives the logits for the
 * token after that. Both return a fresh float[V]. At most {@link #contextLength()} tokens may be
 * read in all (prompt plus appended tokens).
 */
public interface NextTokenModel {

    /** Forgets any previous sequence, reads {@code prompt} (at least one token): logits (V) for the next position. */
    float[] start(int[] prompt);

    /** Appends {@code token} to the sequence: logits (V) for the position after it. */
    float[] next(int token);

    /** The number of tokens read so far. */
    int length();

    /** The most tokens the model can read. */
    int contextLength();

    /** V, the length of each logits row. */
    int vocabSize();
}
