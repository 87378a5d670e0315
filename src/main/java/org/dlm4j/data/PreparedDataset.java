package org.dlm4j.data;

import java.nio.file.Path;

/**
 * An opened dataset folder ({@code train.bin}, {@code val.bin}, {@code meta.json}, optionally
 * {@code tokenizer.json}), checked on open: the meta file parses, both token files exist, their lengths match
 * the meta counts, and every id is below {@code vocab_size} (one scan, memory-bandwidth bound).
 */
public final class PreparedDataset implements AutoCloseable {
    private final Path dir;
    private final DatasetMeta meta;
    private final TokenFile train;
    private final TokenFile val;

    private PreparedDataset(Path dir, DatasetMeta meta, TokenFile train, TokenFile val) {
        this.dir = dir;
        this.meta = meta;
        this.train = train;
        this.val = val;
    }

    public static PreparedDataset open(Path dir) {
        DatasetMeta meta = DatasetMeta.read(dir);
        TokenFile train = TokenFile.open(dir.resolve(DatasetWriter.TRAIN_FILE), meta.tokenDtype());
        try {
            check(train, meta.trainTokens(), meta.vocabSize());
            TokenFile val = TokenFile.open(dir.resolve(DatasetWriter.VAL_FILE), meta.tokenDtype());
            try {
                check(val, meta.valTokens(), meta.vocabSize());
                return new PreparedDataset(dir, meta, train, val);
            } catch (RuntimeException e) {
                val.close();
                throw e;
            }
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
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

    /** The tokenizer named in meta.json (loading {@code tokenizer.json} for BPE). */
    public Tokenizer tokenizer() {
        return Tokenizers.byName(meta.tokenizer(), meta.tokenizerFile() == null ? null : dir.resolve(meta.tokenizerFile()));
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
