package org.dlm4j.tornado;

import org.dlm4j.device.TokenPositions;

import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The positions of a batch grouped by token id, for the embedding gradient as a gather
 * ({@link EmbeddingKernels#backwardTokens}): the host's {@link TokenPositions#group}, a stable counting sort
 * of the B*T ids, so each token's positions stay ascending (the order the CPU adds them in), copied into
 * the device's arrays.
 * <pre>
 *   positions[rowStart[v] .. rowStart[v+1])  = the n with ids[n] = v, ascending
 * </pre>
 *
 * @param rowStart  (V + 1) where each token's positions begin
 * @param positions (B*T) the positions, grouped by token
 */
public record EmbeddingGather(IntArray rowStart, IntArray positions) {

    /** New arrays for {@code ids} over a vocabulary of {@code vocab}. */
    public static EmbeddingGather of(int[] ids, int vocab) {
        EmbeddingGather gather = new EmbeddingGather(new IntArray(vocab + 1), new IntArray(ids.length));
        gather.fill(ids);
        return gather;
    }

    /** Refills these arrays for a new batch of the same size ({@link TokenPositions#group}). */
    public void fill(int[] ids) {
        int vocab = rowStart.getSize() - 1;
        int[] start = new int[vocab + 1];
        int[] grouped = new int[ids.length];
        TokenPositions.group(ids, vocab, start, grouped);
        for (int v = 0; v <= vocab; v++) {
            rowStart.set(v, start[v]);
        }
        for (int n = 0; n < grouped.length; n++) {
            positions.set(n, grouped[n]);
        }
    }
}
