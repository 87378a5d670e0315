package org.dlm4j.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.exercise.Exercise;

/**
 * A byte-level byte-pair-encoding tokenizer: text is pre-split ({@link PreSplitter}), each piece becomes its
 * UTF-8 bytes, and learned merges join adjacent symbols into bigger ones.
 *
 * <p>Ids: 0..255 are bytes, {@value #END_OF_TEXT} ends a document, {@value #MASK} is the diffusion mask (the
 * same as {@link ByteTokenizer}), and merge {@code r} (rank r, 0-based, in the order it was learned) makes
 * id {@code FIRST_MERGE_ID + r}. So {@code vocabSize = 258 + merges}.
 *
 * <p>Encoding a piece applies merges by rank: among the adjacent pairs that have a merge, take the one with
 * the lowest rank and join all its non-overlapping occurrences left to right; repeat until no pair has a
 * merge. This reproduces exactly how {@link BpeTrainer} segmented its training text.
 *
 * <p>File format (JSON): {@code {"type":"dlm4j-bpe","version":1,"pre_split":PATTERN,"vocab_size":V,
 * "end_of_text_id":256,"mask_id":257,"merges":[[left,right],...]}}.
 */
public final class BpeTokenizer implements Tokenizer {
    public static final int END_OF_TEXT = 256;
    public static final int MASK = 257;
    public static final int FIRST_MERGE_ID = 258;
    public static final String NAME = "bpe";
    static final String FILE_TYPE = "dlm4j-bpe";
    static final int FILE_VERSION = 1;

    private final int[][] merges; // merges[r] = {left, right}, making id FIRST_MERGE_ID + r
    private final Map<Long, Integer> rankOfPair = new HashMap<>();
    private final byte[][] bytesOfId;
    private final Map<String, int[]> pieceCache = new HashMap<>();

    public BpeTokenizer(List<int[]> merges) {
        this.merges = merges.stream().map(int[]::clone).toArray(int[][]::new);
        this.bytesOfId = new byte[FIRST_MERGE_ID + this.merges.length][];
        for (int b = 0; b < 256; b++) {
            bytesOfId[b] = new byte[] {(byte) b};
        }
        for (int r = 0; r < this.merges.length; r++) {
            int[] pair = this.merges[r];
            int id = FIRST_MERGE_ID + r;
            if (pair.length != 2 || !isSymbol(pair[0], id) || !isSymbol(pair[1], id)) {
                throw new IllegalArgumentException("BPE merge " + r + " must join two earlier byte or merge ids");
            }
            if (rankOfPair.putIfAbsent(pairKey(pair[0], pair[1]), r) != null) {
                throw new IllegalArgumentException("BPE merge " + r + " repeats the pair (" + pair[0] + ", " + pair[1] + ")");
            }
            bytesOfId[id] = concat(bytesOfId[pair[0]], bytesOfId[pair[1]]);
        }
    }

    private static boolean isSymbol(int id, int before) {
        return (id >= 0 && id < 256) || (id >= FIRST_MERGE_ID && id < before);
    }

    static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The learned merges in rank order, each {left, right}. */
    public List<int[]> merges() {
        return java.util.Arrays.stream(merges).map(int[]::clone).toList();
    }

    @Override
    public int[] encode(String text) {
        var out = new IntList();
        for (String piece : PreSplitter.split(text)) {
            out.addAll(pieceCache.computeIfAbsent(piece, this::encodePiece));
        }
        return out.toArray();
    }

    private int[] encodePiece(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] symbols = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = bytes[i] & 0xFF;
        }
        int length = symbols.length;
        while (length > 1) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < length; i++) {
                Integer rank = rankOfPair.get(pairKey(symbols[i], symbols[i + 1]));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == Integer.MAX_VALUE) {
                break;
            }
            length = applyMerge(symbols, length, merges[bestRank][0], merges[bestRank][1], FIRST_MERGE_ID + bestRank);
        }
        return java.util.Arrays.copyOf(symbols, length);
    }

    /**
     * Replaces every non-overlapping occurrence of the pair (left, right) in {@code symbols[0 .. length)}
     * by {@code merged}, scanning left to right (so left, right, right with left == right merges the first
     * two), in place; returns the new length. Entries past the new length are left as they are.
     */
    @Exercise("L07.2")
    static int applyMerge(int[] symbols, int length, int left, int right, int merged) {
        int write = 0;
        for (int read = 0; read < length; read++) {
            if (read + 1 < length && symbols[read] == left && symbols[read + 1] == right) {
                symbols[write++] = merged;
                read++;
            } else {
                symbols[write++] = symbols[read];
            }
        }
        return write;
    }

    @Override
    public String decode(int[] ids) {
        var text = new StringBuilder();
        var pending = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id == END_OF_TEXT || id == MASK) {
                text.append(Utf8.decodeLenient(pending.toByteArray(), pending.size()));
                pending.reset();
                text.append(id == END_OF_TEXT ? END_OF_TEXT_MARKER : MASK_MARKER);
            } else if (id >= 0 && id < bytesOfId.length) {
                pending.writeBytes(bytesOfId[id]);
            } else {
                throw new IllegalArgumentException("token id " + id + " is outside the BPE vocabulary [0, " + vocabSize() + ")");
            }
        }
        text.append(Utf8.decodeLenient(pending.toByteArray(), pending.size()));
        return text.toString();
    }

    @Override
    public int vocabSize() {
        return FIRST_MERGE_ID + merges.length;
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

    /** The JSON file layout; field order is fixed so saving is byte-identical. */
    record FileFormat(
            @JsonProperty(required = true, value = "type") String type,
            @JsonProperty(required = true, value = "version") int version,
            @JsonProperty(required = true, value = "pre_split") String preSplit,
            @JsonProperty(required = true, value = "vocab_size") int vocabSize,
            @JsonProperty(required = true, value = "end_of_text_id") int endOfTextId,
            @JsonProperty(required = true, value = "mask_id") int maskId,
            @JsonProperty(required = true, value = "merges") int[][] merges) {
    }

    public void save(Path file) {
        var format = new FileFormat(FILE_TYPE, FILE_VERSION, PreSplitter.PATTERN_TEXT, vocabSize(), END_OF_TEXT, MASK, merges);
        try {
            Files.writeString(file, Json.MAPPER.writeValueAsString(format) + "\n");
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("write the BPE tokenizer", file, e);
        }
    }

    public static BpeTokenizer load(Path file) {
        InputPaths.requireFile(file, "BPE tokenizer file");
        FileFormat format;
        try {
            format = Json.MAPPER.readValue(file.toFile(), FileFormat.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("BPE tokenizer file " + file + " is not valid JSON: "
                    + Json.oneLine(e), e);
        }
        if (!FILE_TYPE.equals(format.type()) || format.version() != FILE_VERSION) {
            throw new IllegalArgumentException("BPE tokenizer file " + file + " is not a " + FILE_TYPE
                    + " version " + FILE_VERSION + " file");
        }
        if (!PreSplitter.PATTERN_TEXT.equals(format.preSplit())) {
            throw new IllegalArgumentException("BPE tokenizer file " + file + " uses a different pre-split pattern");
        }
        if (format.merges() == null || format.vocabSize() != FIRST_MERGE_ID + format.merges().length) {
            throw new IllegalArgumentException("BPE tokenizer file " + file + ": vocab_size does not equal 258 + merges");
        }
        try {
            return new BpeTokenizer(List.of(format.merges()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("BPE tokenizer file " + file + ": " + e.getMessage(), e);
        }
    }
}
