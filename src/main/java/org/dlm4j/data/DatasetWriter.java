package org.dlm4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares a dataset folder from documents: {@code train.bin}, {@code val.bin}, {@code meta.json}, and
 * {@code tokenizer.json} when the tokenizer is a BPE.
 *
 * <p>Layout of a token file: the documents in the given order, each as {@code encode(document)} followed by
 * the tokenizer's end-of-text id. The folder is written atomically ({@link AtomicOutput}).
 */
public final class DatasetWriter {
    public static final String TRAIN_FILE = "train.bin";
    public static final String VAL_FILE = "val.bin";
    public static final String BPE_FILE = "tokenizer.json";

    private DatasetWriter() {
    }

    /** Writes the folder and returns its meta data; refuses a non-empty existing {@code out} unless {@code force}. */
    public static DatasetMeta write(Path out, Tokenizer tokenizer, List<String> trainDocuments,
                                    List<String> valDocuments, boolean force) {
        if (trainDocuments.isEmpty()) {
            throw new IllegalArgumentException("no training documents to write");
        }
        if (valDocuments.isEmpty()) {
            throw new IllegalArgumentException("no validation documents to write");
        }
        DatasetMeta[] meta = new DatasetMeta[1];
        AtomicOutput.writeFolder(out, force, folder -> {
            TokenDtype dtype = TokenDtype.forVocab(tokenizer.vocabSize());
            long trainTokens = writeTokens(folder.resolve(TRAIN_FILE), tokenizer, trainDocuments, dtype);
            long valTokens = writeTokens(folder.resolve(VAL_FILE), tokenizer, valDocuments, dtype);
            String tokenizerFile = null;
            if (tokenizer instanceof BpeTokenizer bpe) {
                bpe.save(folder.resolve(BPE_FILE));
                tokenizerFile = BPE_FILE;
            }
            meta[0] = DatasetMeta.of(tokenizer, tokenizerFile, trainTokens, valTokens,
                    trainDocuments.size(), valDocuments.size());
            meta[0].write(folder);
        });
        return meta[0];
    }

    private static long writeTokens(Path file, Tokenizer tokenizer, List<String> documents, TokenDtype dtype) {
        try (var writer = new TokenFileWriter(file, dtype)) {
            for (String document : documents) {
                writer.write(tokenizer.encode(document));
                writer.write(tokenizer.endOfTextId());
            }
            return writer.count();
        }
    }

    /**
     * Splits documents into (train, val): the last {@code round(valFraction * n)} documents, at least one,
     * become validation, so the split is by document and deterministic.
     */
    public static List<List<String>> splitByDocument(List<String> documents, double valFraction) {
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + valFraction);
        }
        int n = documents.size();
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 documents to split off validation, got " + n
                    + " (split the text into documents by line or paragraph)");
        }
        int val = (int) Math.min(n - 1, Math.max(1, Math.round(valFraction * n)));
        return List.of(new ArrayList<>(documents.subList(0, n - val)), new ArrayList<>(documents.subList(n - val, n)));
    }
}
