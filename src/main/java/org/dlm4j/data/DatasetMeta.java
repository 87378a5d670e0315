package org.dlm4j.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sidecar {@code meta.json} of a prepared dataset folder: which tokenizer made the ids and how they are
 * stored. Example:
 * <pre>{@code
 * {"tokenizer": "bytes", "vocab_size": 258, "dtype": "uint16", "mask_id": 257, "eot_id": 256,
 *  "train_tokens": 600000, "val_tokens": 60000, "train_documents": 1800, "val_documents": 200}
 * }</pre>
 * {@code tokenizer_file} (a file name inside the folder, e.g. {@code tokenizer.json}) is present only for BPE.
 * The constructor checks the fields agree with each other and with the tokenizer they name (bytes and gpt2
 * have one vocabulary and fixed special ids), so a wrong meta.json is refused wherever it is read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetMeta(
        @JsonProperty(required = true, value = "tokenizer") String tokenizer,
        @JsonProperty("tokenizer_file") String tokenizerFile,
        @JsonProperty(required = true, value = "vocab_size") int vocabSize,
        @JsonProperty(required = true, value = "dtype") String dtype,
        @JsonProperty(required = true, value = "mask_id") int maskId,
        @JsonProperty(required = true, value = "eot_id") int eotId,
        @JsonProperty(required = true, value = "train_tokens") long trainTokens,
        @JsonProperty(required = true, value = "val_tokens") long valTokens,
        @JsonProperty(required = true, value = "train_documents") long trainDocuments,
        @JsonProperty(required = true, value = "val_documents") long valDocuments) {

    public static final String FILE_NAME = "meta.json";

    public DatasetMeta {
        if (tokenizer == null || tokenizer.isBlank()) {
            throw new IllegalArgumentException("meta: tokenizer is missing");
        }
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("meta: vocab_size must be positive, got " + vocabSize);
        }
        TokenDtype stored = TokenDtype.fromJsonName(dtype);
        if (stored == TokenDtype.UINT16 && vocabSize > 65536) {
            throw new IllegalArgumentException("meta: vocab_size " + vocabSize + " does not fit dtype uint16");
        }
        if (maskId < 0 || maskId >= vocabSize || eotId < 0 || eotId >= vocabSize) {
            throw new IllegalArgumentException("meta: mask_id " + maskId + " and eot_id " + eotId
                    + " must be in [0, vocab_size " + vocabSize + ")");
        }
        if (maskId == eotId) {
            throw new IllegalArgumentException("meta: mask_id " + maskId + " equals eot_id " + eotId
                    + "; the mask needs an id of its own");
        }
        switch (tokenizer) {
            case ByteTokenizer.NAME, Gpt2Tokenizer.NAME -> {
                if (tokenizerFile != null) {
                    throw new IllegalArgumentException("meta: tokenizer '" + tokenizer + "' takes no tokenizer_file,"
                            + " got '" + tokenizerFile + "'");
                }
                boolean bytes = tokenizer.equals(ByteTokenizer.NAME);
                requireIds(tokenizer, bytes ? ByteTokenizer.VOCAB_SIZE : Gpt2Tokenizer.VOCAB_SIZE,
                        bytes ? ByteTokenizer.END_OF_TEXT : Gpt2Tokenizer.END_OF_TEXT,
                        bytes ? ByteTokenizer.MASK : Gpt2Tokenizer.MASK, vocabSize, eotId, maskId);
            }
            case BpeTokenizer.NAME -> {
                if (tokenizerFile == null) {
                    throw new IllegalArgumentException("meta: tokenizer 'bpe' needs its tokenizer_file");
                }
                requireIds(tokenizer, vocabSize, BpeTokenizer.END_OF_TEXT, BpeTokenizer.MASK, vocabSize, eotId, maskId);
            }
            default -> throw new IllegalArgumentException("meta: " + Tokenizers.unknown(tokenizer).getMessage());
        }
        if (trainTokens < 0 || valTokens < 0 || trainDocuments < 0 || valDocuments < 0) {
            throw new IllegalArgumentException("meta: token and document counts must not be negative");
        }
    }

    /** The vocabulary and special ids of the tokenizer, and those the file states, must be the same. */
    private static void requireIds(String tokenizer, int vocab, int eot, int mask, int vocabSize, int eotId,
                                   int maskId) {
        if (vocabSize != vocab || eotId != eot || maskId != mask) {
            throw new IllegalArgumentException("meta: tokenizer '" + tokenizer + "' has vocab_size " + vocab
                    + ", eot_id " + eot + " and mask_id " + mask + "; this file says " + vocabSize + ", " + eotId
                    + " and " + maskId);
        }
    }

    /** The meta data for ids from {@code tokenizer}, with the dtype its vocabulary needs. */
    public static DatasetMeta of(Tokenizer tokenizer, String tokenizerFile, long trainTokens, long valTokens,
                                 long trainDocuments, long valDocuments) {
        return new DatasetMeta(tokenizer.name(), tokenizerFile, tokenizer.vocabSize(),
                TokenDtype.forVocab(tokenizer.vocabSize()).jsonName(), tokenizer.maskId(), tokenizer.endOfTextId(),
                trainTokens, valTokens, trainDocuments, valDocuments);
    }

    public TokenDtype tokenDtype() {
        return TokenDtype.fromJsonName(dtype);
    }

    /** Reads {@code dir/meta.json}; every problem becomes one line naming the file. */
    public static DatasetMeta read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        InputPaths.requireFile(file, "dataset meta file");
        try {
            return Json.MAPPER.readValue(file.toFile(), DatasetMeta.class);
        } catch (IOException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof IllegalArgumentException ? cause.getMessage() : Json.oneLineAt(e);
            throw new IllegalArgumentException("dataset meta file " + file + " is invalid: " + why, e);
        }
    }

    /** Writes {@code dir/meta.json} (pretty-printed, fixed field order, trailing newline). */
    public void write(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.writeString(file, Json.MAPPER.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("write", file, e);
        }
    }
}
