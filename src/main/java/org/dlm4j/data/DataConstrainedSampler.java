package org.dlm4j.data;

import java.util.NoSuchElementException;
import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;

/**
 * Training batches under the data-constrained protocol: only the first U tokens of the training file are
 * ever used, and they are repeated epoch after epoch until M tokens were handed out (epochs = M / U).
 *
 * <p>Windows. The unique tokens {@code [0, U)} are cut into {@code W = floor((U - 1) / T)} windows of T + 1
 * tokens with stride T: window w of a pass covers {@code [o + wT, o + wT + T + 1)}. Consecutive windows share
 * one boundary token, so inside a pass each token is predicted (as a next-token target) exactly once and
 * {@code tokensSeen} grows by T per window. The offset o is drawn per pass from {@code [0, s]} where
 * {@code s = (U - 1) - W T < T} is the slack, so every window stays inside {@code [0, U)} (no token beyond U is
 * ever read) and, over passes, the at most s slack tokens at the ends are covered too. When
 * {@code U - 1} is a multiple of T the windows are fixed and each pass sees exactly the U tokens.
 *
 * <p>Order. Each pass visits its W windows in a fresh random permutation (Fisher-Yates with the seeded
 * {@link Rng}); a batch may straddle two passes. Steps: {@code floor(M / (B T))} batches in all.
 * {@link #epoch()} is {@code tokensSeen / U}.
 *
 * <p>Batch layout: {@code int[B * (T + 1)]}, row b = window b, row-major. AR uses {@code row[0..T)} as input
 * and {@code row[1..T]} as targets; a masked-diffusion objective may use the first T tokens of each row.
 *
 * <p>Resume: {@link #position()} and {@link #restore(SamplerPosition)} give the identical continuation.
 */
public final class DataConstrainedSampler {
    private final TokenFile train;
    private final long uniqueTokens;
    private final long totalTokens;
    private final int batchSize;
    private final int contextLength;
    private final int windowsPerEpoch;
    private final int slack;
    private final long totalSteps;
    private final Rng rng;

    private int[] order;
    private int epochOffset;
    private long epochRngState;
    private long epochIndex;
    private int cursor;
    private long step;
    private long tokensSeen;

    /**
     * @param train         the training token file
     * @param uniqueTokens  U, how many tokens from the start of {@code train} may be used
     * @param totalTokens   M, the training budget in tokens (at least U)
     * @param batchSize     B, windows per batch
     * @param contextLength T, tokens per window minus one
     * @param seed          seeds the per-pass offsets and orders
     */
    public DataConstrainedSampler(TokenFile train, long uniqueTokens, long totalTokens, int batchSize,
                                  int contextLength, long seed) {
        if (batchSize <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("batch size and context length must be positive, got B=" + batchSize
                    + " T=" + contextLength);
        }
        if (uniqueTokens > train.length()) {
            throw new IllegalArgumentException("unique tokens U=" + uniqueTokens + " exceed the " + train.length()
                    + " tokens of " + train.path());
        }
        if ((long) contextLength + 1 > uniqueTokens) {
            throw new IllegalArgumentException("a window of T+1=" + (contextLength + 1L) + " tokens does not fit in U="
                    + uniqueTokens + " unique tokens");
        }
        if (totalTokens < uniqueTokens) {
            throw new IllegalArgumentException("total tokens M=" + totalTokens + " is less than unique tokens U="
                    + uniqueTokens + " (less than one epoch)");
        }
        long windows = (uniqueTokens - 1) / contextLength;
        if (windows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("U/T=" + windows + " windows is too many for one pass");
        }
        this.train = train;
        this.uniqueTokens = uniqueTokens;
        this.totalTokens = totalTokens;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
        this.windowsPerEpoch = (int) windows;
        this.slack = (int) (uniqueTokens - 1 - windows * contextLength);
        this.totalSteps = totalTokens / ((long) batchSize * contextLength);
        this.rng = new Rng(seed);
        startEpoch(0);
    }

    /** Draws the pass's offset and window order; remembers the generator state it started from. */
    private void startEpoch(long index) {
        epochIndex = index;
        epochRngState = rng.state();
        epochOffset = rng.nextInt(slack + 1);
        order = new int[windowsPerEpoch];
        for (int w = 0; w < windowsPerEpoch; w++) {
            order[w] = w;
        }
        rng.shuffle(order);
        cursor = 0;
    }

    public boolean hasNext() {
        return step < totalSteps;
    }

    /** The next batch, {@code int[B * (T + 1)]}. */
    public int[] nextBatch() {
        int[] batch = new int[batchSize * (contextLength + 1)]; // (B, T+1)
        nextBatch(batch);
        return batch;
    }

    /**
     * Fills {@code batch} ({@code B * (T + 1)} ints) with the next batch: row b is the next window of the
     * current pass, {@code train[epochOffset + order[cursor] * T ..]} for T + 1 tokens, the cursor moving
     * on by one; when a pass has handed out all its windows, {@code startEpoch} begins the next one (a
     * batch may straddle two passes). Then one more step is done and {@code tokensSeen} grows by B * T.
     * Refuses a wrong-sized array ({@link IllegalArgumentException}) and a spent budget
     * ({@link NoSuchElementException}).
     */
    @Exercise("L07.4")
    public void nextBatch(int[] batch) {
        if (!hasNext()) {
            throw new NoSuchElementException("the budget of M=" + totalTokens + " tokens (" + totalSteps
                    + " steps) is used up");
        }
        if (batch.length != batchSize * (contextLength + 1)) {
            throw new IllegalArgumentException("batch array has " + batch.length + " ints, expected B*(T+1)="
                    + batchSize * (contextLength + 1));
        }
        for (int b = 0; b < batchSize; b++) {
            if (cursor == windowsPerEpoch) {
                startEpoch(epochIndex + 1);
            }
            long start = epochOffset + (long) order[cursor++] * contextLength;
            train.read(start, batch, b * (contextLength + 1), contextLength + 1);
        }
        step++;
        tokensSeen += (long) batchSize * contextLength;
    }

    /** Start of window {@code w} in the current pass (for tests and inspection). */
    long windowStart(int w) {
        return epochOffset + (long) w * contextLength;
    }

    public long step() {
        return step;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long tokensSeen() {
        return tokensSeen;
    }

    /** Fractional epochs so far: tokensSeen / U. */
    public double epoch() {
        return (double) tokensSeen / uniqueTokens;
    }

    public long uniqueTokens() {
        return uniqueTokens;
    }

    public long totalTokens() {
        return totalTokens;
    }

    public int windowsPerEpoch() {
        return windowsPerEpoch;
    }

    public SamplerPosition position() {
        return new SamplerPosition(step, tokensSeen, epochIndex, cursor, epochRngState, uniqueTokens, contextLength);
    }

    /** Continues from {@code position}: the following batches equal those after the saving sampler's position. */
    public void restore(SamplerPosition position) {
        if (position.uniqueTokens() != uniqueTokens || position.contextLength() != contextLength) {
            throw new IllegalArgumentException("sampler position is for U=" + position.uniqueTokens() + " T="
                    + position.contextLength() + ", this sampler has U=" + uniqueTokens + " T=" + contextLength);
        }
        if (position.cursor() < 0 || position.cursor() > windowsPerEpoch || position.step() < 0
                || position.step() > totalSteps) {
            throw new IllegalArgumentException("sampler position is out of range: " + position);
        }
        rng.setState(position.epochRngState());
        startEpoch(position.epochIndex());
        cursor = position.cursor();
        step = position.step();
        tokensSeen = position.tokensSeen();
    }
}
