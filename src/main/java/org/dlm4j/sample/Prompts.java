package org.dlm4j.sample;

/** Checks shared by the decoders: a prompt's length and ids, and room for one more token. */
final class Prompts {
    private Prompts() {
    }

    static void check(int[] prompt, int contextLength, int vocabSize) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (prompt.length > contextLength) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the model's context of "
                    + contextLength);
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + prompt[i] + " at position " + i + " is outside [0, "
                        + vocabSize + ")");
            }
        }
    }

    static void checkAppend(int length, int contextLength) {
        if (length == 0) {
            throw new IllegalStateException("call start(prompt) before next(token)");
        }
        if (length >= contextLength) {
            throw new IllegalArgumentException("the sequence is already " + length
                    + " tokens long, the model's context; no room for another");
        }
    }
}
