package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Embedding lookups and their gradients ({@code org.dlm4j.kernels.Embedding}'s twin):
 * <pre>
 *   x[n, c]          = tok[ids[n], c] (+ pos[n mod T, c] with learned positions)
 *   dtok[v, c]      (+)= sum over n with ids[n] = v, ascending, of dx[n, c]
 *   dpos[t, c]        = sum over b, ascending, of dx[b*T + t, c]
 * </pre>
 * The token gradient is a gather, not a scatter: the host sorts the positions by token id (a
 * counting sort keeps them ascending), so work-item (v, c) sums its own rows in the CPU's order and
 * needs no atomic add.
 */
public final class EmbeddingKernels {
    private EmbeddingKernels() {
    }

    /** x = tok[ids] (+ pos[t] when {@code posOffset >= 0}); tables at offsets of {@code params}. */
    public static void forward(IntArray ids, FloatArray params, int tokOffset, int posOffset, FloatArray x,
                               int rows, int time, int channels) {
        for (@Parallel int i = 0; i < rows * channels; i++) {
            int n = i / channels;
            int c = i % channels;
            float value = params.get(tokOffset + ids.get(n) * channels + c);
            if (posOffset >= 0) {
                value = value + params.get(posOffset + (n % time) * channels + c);
            }
            x.set(i, value);
        }
    }

    /**
     * dtok[v, c] = (dtok[v, c] when {@code accumulate} is 1, else 0) + the dx rows of token v, in the order
     * {@code positions[rowStart[v] .. rowStart[v+1])} gives them.
     */
    public static void backwardTokens(FloatArray dx, IntArray rowStart, IntArray positions, FloatArray grads,
                                      int tokOffset, int vocab, int channels, int accumulate) {
        for (@Parallel int i = 0; i < vocab * channels; i++) {
            int v = i / channels;
            int c = i % channels;
            float sum = accumulate == 1 ? grads.get(tokOffset + i) : 0f;
            for (int k = rowStart.get(v); k < rowStart.get(v + 1); k++) {
                sum = sum + dx.get(positions.get(k) * channels + c);
            }
            grads.set(tokOffset + i, sum);
        }
    }

    /** dpos[t, c] = sum over b of dx[b*T + t, c], for t in [0, T). */
    public static void backwardPositions(FloatArray dx, FloatArray grads, int posOffset, int batch, int time,
                                         int channels) {
        for (@Parallel int i = 0; i < time * channels; i++) {
            float sum = 0f;
            for (int b = 0; b < batch; b++) {
                sum = sum + dx.get(b * time * channels + i);
            }
            grads.set(posOffset + i, sum);
        }
    }
}
