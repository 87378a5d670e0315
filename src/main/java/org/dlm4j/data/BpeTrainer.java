package org.dlm4j.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.exercise.Exercise;

/**
 * Learns byte-level BPE merges from text (Sennrich et al. 2016, on bytes as in GPT-2).
 *
 * <p>Algorithm: pre-split every text ({@link PreSplitter}) and count how often each distinct piece occurs;
 * each piece starts as its UTF-8 bytes. Then repeat until the vocabulary reaches the target: count every
 * adjacent symbol pair, weighted by its piece's count; merge the most frequent pair everywhere (left to
 * right, non-overlapping) and give it the next id. Ties go to the smallest (left id, right id), so the
 * result is the same on every run and JVM. Training stops early when no pair occurs twice, so the
 * vocabulary can end smaller than asked for on a tiny corpus.
 *
 * <p>Cost: each merge recounts pairs over the distinct pieces, O(merges x symbols in distinct pieces);
 * plain and readable, fast enough for corpora of a few MB.
 */
public final class BpeTrainer {
    private BpeTrainer() {
    }

    /** Fails unless {@code vocabSize} leaves room for the 256 bytes and the two special ids. */
    public static void requireVocabSize(int vocabSize) {
        if (vocabSize < BpeTokenizer.FIRST_MERGE_ID) {
            throw new IllegalArgumentException("BPE vocab size must be at least " + BpeTokenizer.FIRST_MERGE_ID
                    + " (256 bytes + end-of-text + mask), got " + vocabSize);
        }
    }

    /** Trains on {@code texts} to at most {@code vocabSize} ids (specials included; at least 258). */
    public static BpeTokenizer train(Iterable<String> texts, int vocabSize) {
        requireVocabSize(vocabSize);
        Map<String, Long> pieceCounts = new HashMap<>();
        for (String text : texts) {
            for (String piece : PreSplitter.split(text)) {
                pieceCounts.merge(piece, 1L, Long::sum);
            }
        }
        int n = pieceCounts.size();
        int[][] symbols = new int[n][];
        int[] lengths = new int[n];
        long[] counts = new long[n];
        int w = 0;
        for (var entry : pieceCounts.entrySet()) {
            byte[] bytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
            symbols[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[w][i] = bytes[i] & 0xFF;
            }
            lengths[w] = bytes.length;
            counts[w] = entry.getValue();
            w++;
        }

        List<int[]> merges = new ArrayList<>();
        int numMerges = vocabSize - BpeTokenizer.FIRST_MERGE_ID;
        while (merges.size() < numMerges) {
            long best = mostFrequentPair(symbols, lengths, counts);
            if (best < 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int merged = BpeTokenizer.FIRST_MERGE_ID + merges.size();
            merges.add(new int[] {left, right});
            for (int p = 0; p < n; p++) {
                lengths[p] = BpeTokenizer.applyMerge(symbols[p], lengths[p], left, right, merged);
            }
        }
        return new BpeTokenizer(merges);
    }

    /**
     * The adjacent pair that occurs most often in the pieces {@code symbols[p][0 .. lengths[p])}, each
     * occurrence counted {@code counts[p]} times (the piece's frequency in the corpus), packed as
     * {@link BpeTokenizer#pairKey}(left, right). Ties go to the smallest (left, right). Returns -1 when no
     * pair occurs at least twice (a merge would not shorten anything).
     */
    @Exercise("L07.3")
    static long mostFrequentPair(int[][] symbols, int[] lengths, long[] counts) {
        Map<Long, Long> pairCounts = new HashMap<>();
        for (int p = 0; p < symbols.length; p++) {
            for (int i = 0; i + 1 < lengths[p]; i++) {
                pairCounts.merge(BpeTokenizer.pairKey(symbols[p][i], symbols[p][i + 1]), counts[p], Long::sum);
            }
        }
        long bestKey = -1;
        long bestCount = 1; // a pair must occur at least twice to be worth an id
        for (var entry : pairCounts.entrySet()) {
            long key = entry.getKey();
            long count = entry.getValue();
            if (count > bestCount || (count == bestCount && bestCount > 1 && pairLess(key, bestKey))) {
                bestKey = key;
                bestCount = count;
            }
        }
        return bestKey;
    }

    /** Orders pairs by left id, then right id (both non-negative, so the packed long orders the same way). */
    private static boolean pairLess(long a, long b) {
        return a < b;
    }
}
