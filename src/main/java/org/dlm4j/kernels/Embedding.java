package org.dlm4j.kernels;

/**
 * Embedding lookup: {@code out(i, :) = weight(ids[i], :)} for a (numEmbeddings, C) table.
 * Backward scatter-adds: {@code dweight(ids[i], :) += dout(i, :)}, visiting i in increasing order
 * for every column (fast mode splits columns), so repeated ids sum in the same order on any
 * number of threads.
 */
public final class Embedding {
    private Embedding() {
    }

    public static void forward(float[] weight, int[] ids, float[] out, int count, int numEmbeddings, int channels) {
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            if (id < 0 || id >= numEmbeddings) {
                throw new IllegalArgumentException("embedding index " + id + " at position " + i
                        + " is outside [0, " + numEmbeddings + ")");
            }
            System.arraycopy(weight, id * channels, out, i * channels, channels);
        }
    }

    public static void backward(float[] dout, int[] ids, float[] dweight, int count, int channels) {
        Parallel.RangeBody columns = (start, end) -> {
            for (int i = 0; i < count; i++) {
                int row = ids[i] * channels;
                int src = i * channels;
                for (int c = start; c < end; c++) {
                    dweight[row + c] += dout[src + c];
                }
            }
        };
        if (KernelMode.fast()) {
            Parallel.forRange(channels, Math.max(8, (1 << 14) / Math.max(1, count)), columns);
        } else {
            columns.run(0, channels);
        }
    }
}
