package org.dlm4j.device;

import java.util.Arrays;

import org.dlm4j.exercise.Exercise;

/**
 * The positions of a batch grouped by token id: what turns the embedding gradient into a gather, so a
 * device can compute it without atomic additions (OpenCL has none for floats) and with the CPU's bits.
 *
 * <p>On the CPU the gradient of the token table is a scatter-add over the B*T positions n:
 * <pre>
 *   dW[ids[n]] += dOut[n]          for n = 0, 1, ..., B*T-1
 * </pre>
 * Run in parallel over n, two positions with the same id would write the same row at once. Grouped,
 * each row v owns its positions, and one work item per (v, channel) can sum them alone:
 * <pre>
 *   dW[v] += dOut[n]               for n in positions[rowStart[v] .. rowStart[v+1]), ascending
 * </pre>
 * Ascending n within each row is the order the scatter-add adds them in, so the two give the same bits.
 */
public final class TokenPositions {

    private TokenPositions() {
    }

    /**
     * A stable counting sort of {@code ids} by value, into {@code rowStart} (V + 1 entries) and
     * {@code positions} (one per id):
     * <pre>
     *   rowStart[0] = 0,  rowStart[v+1] = rowStart[v] + (how many n have ids[n] = v)
     *   positions[rowStart[v] .. rowStart[v+1])  = the n with ids[n] = v, ascending
     * </pre>
     * Two passes over the ids: count each value (into rowStart, shifted by one), add the counts up, then
     * place each n at the next free slot of its value's group.
     *
     * @param ids       the token ids, each in [0, vocab)
     * @param vocab     V
     * @param rowStart  (V + 1) output, overwritten
     * @param positions (ids.length) output, overwritten
     */
    @Exercise("L14.1")
    public static void group(int[] ids, int vocab, int[] rowStart, int[] positions) {
        Arrays.fill(rowStart, 0, vocab + 1, 0);
        for (int id : ids) {
            rowStart[id + 1]++;
        }
        for (int v = 0; v < vocab; v++) {
            rowStart[v + 1] += rowStart[v];
        }
        int[] next = Arrays.copyOf(rowStart, vocab);
        for (int n = 0; n < ids.length; n++) {
            positions[next[ids[n]]++] = n;
        }
    }
}
