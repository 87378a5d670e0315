package org.dlm4j.data;

import java.util.Arrays;

/** Simple statistics of a token file: the baselines a language model's loss is compared to. */
public final class CorpusStats {
    private CorpusStats() {
    }

    /**
     * Unigram entropy in nats per token: {@code H = -sum_v p(v) ln p(v)} with {@code p(v)} the frequency of id v
     * in the file. A model that ignores context but knows the frequencies reaches exactly this cross-entropy,
     * so a trained model's validation loss should be well below it.
     */
    public static double unigramEntropy(TokenFile file) {
        long[] counts = unigramCounts(file);
        double total = file.length();
        double entropy = 0;
        for (long count : counts) {
            if (count > 0) {
                double p = count / total;
                entropy -= p * Math.log(p);
            }
        }
        return entropy;
    }

    /** How often each id occurs in the file; the array is long enough for the largest id present. */
    public static long[] unigramCounts(TokenFile file) {
        long[] counts = new long[1024];
        int[] chunk = new int[1 << 16];
        for (long start = 0; start < file.length(); start += chunk.length) {
            int n = (int) Math.min(chunk.length, file.length() - start);
            file.read(start, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                int id = chunk[i];
                if (id >= counts.length) {
                    counts = Arrays.copyOf(counts, Math.max(id + 1, counts.length * 2));
                }
                counts[id]++;
            }
        }
        return counts;
    }
}
