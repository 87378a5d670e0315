package org.dlm4j.data;

/**
 * How one token is stored in a token file: little-endian unsigned 16 bits (nanoGPT's {@code np.uint16}) or,
 * when the vocabulary does not fit in 16 bits, unsigned 32 bits (stored values stay below 2^31).
 */
public enum TokenDtype {
    UINT16("uint16", 2),
    UINT32("uint32", 4);

    private final String jsonName;
    private final int bytes;

    TokenDtype(String jsonName, int bytes) {
        this.jsonName = jsonName;
        this.bytes = bytes;
    }

    /** The name in meta.json and numpy: {@code uint16} or {@code uint32}. */
    public String jsonName() {
        return jsonName;
    }

    public int bytes() {
        return bytes;
    }

    /** The smallest type that holds ids {@code 0..vocabSize-1}. */
    public static TokenDtype forVocab(int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocab size must be positive, got " + vocabSize);
        }
        return vocabSize <= 65536 ? UINT16 : UINT32;
    }

    public static TokenDtype fromJsonName(String name) {
        for (TokenDtype dtype : values()) {
            if (dtype.jsonName.equals(name)) {
                return dtype;
            }
        }
        throw new IllegalArgumentException("unknown token dtype '" + name + "' (expected uint16 or uint32)");
    }
}
