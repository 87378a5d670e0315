package org.dlm4j.data;

/**
 * Validation batches from {@code val.bin}, disjoint from training: windows of T + 1 tokens with stride T in
 * file order (window w starts at token wT), grouped B at a time; the same batches every time they are asked
 * for. Only whole batches are formed; {@code maxBatches} caps how many are used (a quick estimate).
 */
public final class ValidationBatches {
    private final TokenFile val;
    private final int batchSize;
    private final int contextLength;
    private final int numBatches;

    public ValidationBatches(TokenFile val, int batchSize, int contextLength, int maxBatches) {
        if (batchSize <= 0 || contextLength <= 0 || maxBatches <= 0) {
            throw new IllegalArgumentException("batch size, context length and max batches must be positive");
        }
        long windows = (val.length() - 1) / contextLength;
        long batches = windows / batchSize;
        if (batches == 0) {
            throw new IllegalArgumentException("validation file " + val.path() + " has " + val.length()
                    + " tokens, too few for one batch of B=" + batchSize + " windows of T+1=" + (contextLength + 1));
        }
        this.val = val;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
        this.numBatches = (int) Math.min(batches, maxBatches);
    }

    public int numBatches() {
        return numBatches;
    }

    /** Batch {@code index} in {@code [0, numBatches())}, {@code int[B * (T + 1)]}. */
    public int[] batch(int index) {
        if (index < 0 || index >= numBatches) {
            throw new IndexOutOfBoundsException("validation batch " + index + " outside [0, " + numBatches + ")");
        }
        int[] batch = new int[batchSize * (contextLength + 1)]; // (B, T+1)
        for (int b = 0; b < batchSize; b++) {
            long window = (long) index * batchSize + b;
            val.read(window * contextLength, batch, b * (contextLength + 1), contextLength + 1);
        }
        return batch;
    }
}
