package org.dlm4j.data;

import java.nio.file.Path;

/** Finds a tokenizer by the name stored in a dataset's meta.json: {@code bytes}, {@code bpe} (needs its file) or {@code gpt2}. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * @param name one of {@code bytes}, {@code bpe}, {@code gpt2}
     * @param file the BPE tokenizer JSON for {@code bpe}; must be null for the others
     */
    public static Tokenizer byName(String name, Path file) {
        return switch (name) {
            case ByteTokenizer.NAME -> withoutFile(new ByteTokenizer(), file);
            case Gpt2Tokenizer.NAME -> withoutFile(new Gpt2Tokenizer(), file);
            case BpeTokenizer.NAME -> {
                if (file == null) {
                    throw new IllegalArgumentException("tokenizer 'bpe' needs its tokenizer JSON file");
                }
                yield BpeTokenizer.load(file);
            }
            default -> throw unknown(name);
        };
    }

    /** Fails with the one message for a name that is none of {@code bytes}, {@code bpe}, {@code gpt2}. */
    static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown tokenizer '" + name + "' (expected bytes, bpe or gpt2)");
    }

    /** The same as {@code byName(name, null)}, for tokenizers that need no file. */
    public static Tokenizer byName(String name) {
        return byName(name, null);
    }

    private static Tokenizer withoutFile(Tokenizer tokenizer, Path file) {
        if (file != null) {
            throw new IllegalArgumentException("tokenizer '" + tokenizer.name() + "' takes no tokenizer file, got " + file);
        }
        return tokenizer;
    }
}
