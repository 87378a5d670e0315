package org.dlm4j.data;

import java.nio.file.Path;

/**
 * An opened dataset folder ({@code train.bin}, {@code val.bin}, {@code meta.json}, optionally
 * {@code tokenizer.json}), checked on open: the meta file parses and agrees with its tokenizer (a BPE file's
 * vocabulary included), both token files exist, their lengths match the meta counts, and every id is below
 * {@code vocab_size} (one scan, memory-bandwidth bound).
 */
public final class PreparedDataset implements AutoCloseable {
    private final Path dir;
    private final DatasetMeta meta;
    private final Tokenizer tokenizer;
    private final TokenFile train;
    private final TokenFile val;

    private PreparedDataset(Path dir, DatasetMeta meta, Tokenizer tokenizer, TokenFile train, TokenFile val) {
        this.dir = dir;
        this.meta = meta;
        this.tokenizer = tokenizer;
        this.train = train;
        this.val = val;
    }

    public static PreparedDataset open(Path dir) {
        DatasetMeta meta = DatasetMeta.read(dir);
        Tokenizer tokenizer = bpeTokenizer(dir, meta);
        TokenFile train = TokenFile.open(dir.resolve(DatasetWriter.TRAIN_FILE), meta.tokenDtype());
        try {
            check(train, meta.trainTokens(), meta.vocabSize());
            TokenFile val = TokenFile.open(dir.resolve(DatasetWriter.VAL_FILE), meta.tokenDtype());
            try {
                check(val, meta.valTokens(), meta.vocabSize());
                return new PreparedDataset(dir, meta, tokenizer, train, val);
            } catch (RuntimeException e) {
                val.close();
                throw e;
            }
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
    }

    /** A BPE dataset's tokenizer, whose vocabulary must be the one meta.json states; null for the others. */
    private static Tokenizer bpeTokenizer(Path dir, DatasetMeta meta) {
        if (meta.tokenizerFile() == null) {
            return null;
        }
        Path file = dir.resolve(meta.tokenizerFile());
        Tokenizer bpe = Tokenizers.byName(meta.tokenizer(), file);
        if (bpe.vocabSize() != meta.vocabSize()) {
            throw new IllegalArgumentException("dataset meta file " + dir.resolve(DatasetMeta.FILE_NAME) + " says"
                    + " vocab_size " + meta.vocabSize() + " but its tokenizer file " + file + " has " + bpe.vocabSize()
                    + " ids");
        }
        return bpe;
    }

    private static void check(TokenFile file, long expectedTokens, int vocabSize) {
        if (file.length() != expectedTokens) {
            throw new IllegalArgumentException("token file " + file.path() + " has " + file.length()
                    + " tokens but meta.json says " + expectedTokens);
        }
        file.requireIdsBelow(vocabSize);
    }

    public Path dir() {
        return dir;
    }

    public DatasetMeta meta() {
        return meta;
    }

    public TokenFile train() {
        return train;
    }

    public TokenFile val() {
        return val;
    }

    /** The tokenizer named in meta.json (for BPE the one read from {@code tokenizer.json} on open). */
    public Tokenizer tokenizer() {
        return tokenizer != null ? tokenizer : Tokenizers.byName(meta.tokenizer());
    }

    @Override
    public void close() {
        try {
            train.close();
        } finally {
            val.close();
        }
    }
}
