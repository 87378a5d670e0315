package org.dlm4j.kernels;

/**
 * Runs a per-row body over {@code rows} rows: on the calling thread in reference mode, split
 * across the {@link Parallel} pool in fast mode. The body is the same code either way and every
 * row is computed inside one call, so the results are bit-identical for any thread count.
 */
final class Rows {
    private Rows() {
    }

    /**
     * @param rowCost roughly the work per row (e.g. its length); used to keep tiny problems on one thread
     */
    static void run(int rows, int rowCost, Parallel.RangeBody body) {
        if (KernelMode.fast()) {
            int minRows = Math.max(1, (1 << 13) / Math.max(1, rowCost));
            Parallel.forRange(rows, minRows, body);
        } else {
            body.run(0, rows);
        }
    }
}
