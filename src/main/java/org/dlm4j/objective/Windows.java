package org.dlm4j.objective;

/** Checks and slices of the sampler's token windows: B rows of T+1 tokens, row by row. */
final class Windows {
    private Windows() {
    }

    static void check(int[] windows, int batchSize, int length) {
        if (batchSize <= 0 || length <= 0) {
            throw new IllegalArgumentException("batchSize and length must be positive, got B=" + batchSize
                    + ", T=" + length);
        }
        if (windows.length != (long) batchSize * (length + 1)) {
            throw new IllegalArgumentException(windows.length + " window tokens, but B=" + batchSize
                    + " windows of T+1=" + (length + 1) + " tokens need " + (long) batchSize * (length + 1));
        }
    }

    /** The first {@code keep} tokens of each row: (B, keep). */
    static int[] prefix(int[] windows, int batchSize, int length, int keep) {
        int[] out = new int[batchSize * keep];
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(windows, b * (length + 1), out, b * keep, keep);
        }
        return out;
    }
}
