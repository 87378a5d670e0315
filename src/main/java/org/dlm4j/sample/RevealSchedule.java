package org.dlm4j.sample;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;

/**
 * How many masked positions each step of a {@link DiffusionSampler} reveals, and from which block.
 *
 * <p>The n masked positions, in left-to-right order, are cut into blocks of {@code blockLength}
 * (the last may be shorter; one block of n when the length is 0). Each block gets at least one
 * step and at most one step per position: starting from one step each, the remaining S - blocks
 * steps go one at a time to the block with the most positions per step so far (the lower block on
 * ties), which gives equal blocks equal steps. A block of m positions and s steps reveals, at its
 * step i = 0..s-1,
 * <pre>
 *   k_i = floor(m (i+1) / s) - floor(m i / s)      (sum m, each between floor(m/s) and ceil(m/s))
 * </pre>
 * so with S = n every step reveals exactly one position. Steps run through block 0's steps, then
 * block 1's, and so on: no position of block j+1 is revealed before block j is complete.
 */
public final class RevealSchedule {
    private final int[] blockOfStep;
    private final int[] revealsOfStep;
    private final int[] blockStarts;

    private RevealSchedule(int[] blockOfStep, int[] revealsOfStep, int[] blockStarts) {
        this.blockOfStep = blockOfStep;
        this.revealsOfStep = revealsOfStep;
        this.blockStarts = blockStarts;
    }

    /** The schedule for {@code masked} positions over {@code steps} steps in blocks of {@code blockLength} (0 = one block). */
    public static RevealSchedule of(int masked, int steps, int blockLength) {
        if (masked <= 0) {
            throw new IllegalArgumentException("nothing to generate: the sequence has no masked position");
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        if (steps > masked) {
            throw new IllegalArgumentException("steps " + steps + " exceed the " + masked
                    + " positions to generate (a step reveals at least one position)");
        }
        if (blockLength < 0) {
            throw new IllegalArgumentException("block length must be >= 0 (0 = one block), got " + blockLength);
        }
        int size = blockLength == 0 ? masked : blockLength;
        int numBlocks = (masked + size - 1) / size;
        if (steps < numBlocks) {
            throw new IllegalArgumentException("steps " + steps + " are fewer than the " + numBlocks + " blocks of "
                    + size + " positions (each block needs at least one step)");
        }
        int[] blockStarts = new int[numBlocks + 1];
        int[] blockSizes = new int[numBlocks];
        for (int j = 0; j < numBlocks; j++) {
            blockStarts[j] = j * size;
            blockSizes[j] = Math.min(size, masked - j * size);
        }
        blockStarts[numBlocks] = masked;
        int[] blockSteps = stepsPerBlock(blockSizes, steps);
        int[] blockOfStep = new int[steps];
        int[] revealsOfStep = new int[steps];
        int step = 0;
        for (int j = 0; j < numBlocks; j++) {
            long m = blockStarts[j + 1] - blockStarts[j];
            int s = blockSteps[j];
            for (int i = 0; i < s; i++) {
                blockOfStep[step] = j;
                revealsOfStep[step] = (int) (m * (i + 1) / s - m * i / s);
                step++;
            }
        }
        return new RevealSchedule(blockOfStep, revealsOfStep, blockStarts);
    }

    /**
     * How many of the {@code steps} steps each block gets, for blocks of {@code blockSizes[j]} positions
     * (at least one block, and blocks.length &lt;= steps &lt;= the total of the sizes): every block starts
     * with one step, then the remaining steps go one at a time to the block with the most positions per
     * step so far, m_j / s_j, among those with fewer steps than positions; ties go to the lower block.
     * Compare m_j / s_j without dividing: m_j · s_k &gt; m_k · s_j.
     */
    @Exercise("L11.3")
    static int[] stepsPerBlock(int[] blockSizes, int steps) {
        int[] blockSteps = new int[blockSizes.length];
        Arrays.fill(blockSteps, 1);
        for (int extra = steps - blockSizes.length; extra > 0; extra--) {
            int best = -1;
            for (int j = 0; j < blockSizes.length; j++) {
                if (blockSteps[j] < blockSizes[j] && (best < 0
                        || (long) blockSizes[j] * blockSteps[best] > (long) blockSizes[best] * blockSteps[j])) {
                    best = j;
                }
            }
            blockSteps[best]++;
        }
        return blockSteps;
    }

    /** S, the number of steps. */
    public int steps() {
        return blockOfStep.length;
    }

    /** The number of blocks. */
    public int blocks() {
        return blockStarts.length - 1;
    }

    /** The block that step {@code step} reveals positions of. */
    public int block(int step) {
        return blockOfStep[step];
    }

    /** How many positions step {@code step} reveals. */
    public int reveals(int step) {
        return revealsOfStep[step];
    }

    /** The first masked-position rank (0-based, left to right) of block {@code block}. */
    public int blockStart(int block) {
        return blockStarts[block];
    }

    /** One past the last masked-position rank of block {@code block}. */
    public int blockEnd(int block) {
        return blockStarts[block + 1];
    }
}
