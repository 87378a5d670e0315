package org.dlm4j.data;

import java.nio.file.Path;
import java.util.BitSet;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lesson 7, data: the byte tokenizer's encoding, one BPE merge, the most frequent pair of BPE training,
 * and the data-constrained sampler's batches. See lessons/07-data.
 */
@LessonTest
@Tag("L07")
class Lesson07DataTest {

    @TempDir
    Path dir;

    // ---- L07.1 bytes ----

    @Test
    @Tag("L07.1")
    void bytesAreTheUtf8EncodingAsUnsignedValues() {
        Expect.equal("ids of \"héllo\"", new int[] {104, 195, 169, 108, 108, 111}, new ByteTokenizer().encode("héllo"),
                "é is two bytes in UTF-8, 0xC3 0xA9; Java's byte is signed, so use b & 0xFF to get 195 and 169");
        Expect.equal("ids of the empty text", new int[0], new ByteTokenizer().encode(""), null);
    }

    // ---- L07.2 one merge ----

    @Test
    @Tag("L07.2")
    void aMergeReplacesEveryOccurrenceLeftToRight() {
        int[] symbols = {1, 2, 1, 2, 2, 7, 7};
        int length = BpeTokenizer.applyMerge(symbols, 5, 1, 2, 9);
        Expect.equal("merging (1, 2) -> 9 in [1, 2, 1, 2, 2]", new int[] {9, 9, 2}, java.util.Arrays.copyOf(symbols,
                length), "scan left to right; after a merge skip both symbols; return the new length");
        Expect.that(symbols[5] == 7 && symbols[6] == 7, "entries past the length given must not be touched, got "
                + java.util.Arrays.toString(symbols), "work inside symbols[0 .. length)");
    }

    @Test
    @Tag("L07.2")
    void overlappingOccurrencesMergeTheLeftmostFirst() {
        int[] symbols = {5, 5, 5};
        int length = BpeTokenizer.applyMerge(symbols, 3, 5, 5, 8);
        Expect.equal("merging (5, 5) -> 8 in [5, 5, 5]", new int[] {8, 5}, java.util.Arrays.copyOf(symbols, length),
                "the first two 5s merge; the third has no partner left");
    }

    // ---- L07.3 the most frequent pair ----

    @Test
    @Tag("L07.3")
    void theMostFrequentPairCountsEachPieceAsOftenAsItOccurs() {
        int[][] symbols = {{1, 2, 3}, {2, 3}, {1, 2}};
        long[] counts = {1, 5, 2};                         // (2,3) occurs 1 + 5 = 6 times, (1,2) 1 + 2 = 3 times
        long best = BpeTrainer.mostFrequentPair(symbols, new int[] {3, 2, 2}, counts);
        Expect.equal("most frequent pair (left, right)", new int[] {2, 3}, unpack(best),
                "add counts[p] for every occurrence in piece p: a piece stands for all its copies in the corpus");
    }

    @Test
    @Tag("L07.3")
    void tiesGoToTheSmallestPairAndSinglesAreNotWorthAMerge() {
        int[][] symbols = {{4, 1, 3, 9}, {3, 9}};
        long best = BpeTrainer.mostFrequentPair(symbols, new int[] {4, 2}, new long[] {2, 2});
        Expect.equal("pair chosen among (4,1), (1,3), (3,9) with counts 2, 2, 4", new int[] {3, 9}, unpack(best), null);
        long tie = BpeTrainer.mostFrequentPair(new int[][] {{7, 8}, {2, 5}}, new int[] {2, 2}, new long[] {3, 3});
        Expect.equal("pair chosen between (7,8) and (2,5), both 3 times", new int[] {2, 5}, unpack(tie),
                "on a tie take the smallest (left, right): the result must not depend on a hash map's order");
        long none = BpeTrainer.mostFrequentPair(new int[][] {{1, 2, 3}}, new int[] {3}, new long[] {1});
        Expect.that(none == -1, "when every pair occurs once the result must be -1, got " + none,
                "a pair must occur at least twice to be worth an id");
    }

    // ---- L07.4 the sampler ----

    @Test
    @Tag("L07.4")
    void batchesAreWholeWindowsOfTheUniqueTokensAndEveryEpochVisitsAllOfThem() {
        int t = 4;
        int unique = 10 * t + 1;                                   // 10 windows of T+1 tokens, stride T
        try (TokenFile train = countingFile(200)) {
            var sampler = new DataConstrainedSampler(train, unique, 3L * 10 * t, 2, t, 11);
            BitSet starts = new BitSet();
            int[] batch = new int[2 * (t + 1)];
            for (int step = 1; step <= 15; step++) {
                sampler.nextBatch(batch);
                for (int b = 0; b < 2; b++) {
                    int first = batch[b * (t + 1)];
                    for (int j = 0; j <= t; j++) {
                        Expect.that(batch[b * (t + 1) + j] == first + j, "row " + b + " of batch " + step
                                + " is not T+1 consecutive tokens: " + java.util.Arrays.toString(batch),
                                "read T + 1 tokens from the window's start into the batch at b * (T + 1)");
                    }
                    Expect.that(first % t == 0 && first + t < unique, "window start " + first + " is not one of"
                            + " the U/T windows at multiples of T", "start = epochOffset + order[cursor] * T");
                    starts.set(first);
                }
                Expect.that(sampler.tokensSeen() == (long) step * 2 * t, "tokensSeen after " + step + " batches is "
                        + sampler.tokensSeen() + ", expected " + step * 2 * t, "each batch adds B * T tokens");
                if (step % 5 == 0) {
                    Expect.that(starts.cardinality() == 10, "after " + step / 5 + " epoch(s) the batches started at "
                                    + starts + ", not at all 10 windows", "visit the windows in the pass's shuffled"
                                    + " order, one per row; start the next pass when the cursor reaches the end");
                    starts.clear();
                }
            }
        }
    }

    /** A token file whose token i is i itself: a batch shows which positions it read. */
    private TokenFile countingFile(int length) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = i;
        }
        Path file = dir.resolve("train.bin");
        TokenFile.write(file, tokens, TokenDtype.UINT16);
        return TokenFile.open(file, TokenDtype.UINT16);
    }

    private static int[] unpack(long key) {
        return key < 0 ? new int[] {(int) key} : new int[] {(int) (key >>> 32), (int) key};
    }
}
