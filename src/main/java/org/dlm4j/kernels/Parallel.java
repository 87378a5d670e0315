package org.dlm4j.kernels;

/**
 * The one fixed thread pool every fast kernel shares.
 *
 * <p>Contract: {@link #forRange} splits {@code [0, count)} into contiguous chunks and runs
 * {@code body.run(start, end)} on each, the calling thread taking the first chunk. A kernel that
 * computes every output element inside a single call, with a summation order that does not depend
 * on the chunk bounds, gives bit-identical results for any thread count; all dlm4j kernels are
 * written that way (tested).
 *
 * <p>The thread count comes from {@code -Ddlm4j.threads=N} (default: available processors) and can
 * be changed with {@link #setThreads}. Workers spin for {@code -Ddlm4j.spinMicros} (default 200)
 * after their last chunk before they park (see {@link SpinningPool} for why). A call made from inside
 * a chunk, or from a second thread while the pool is busy, runs serially, so nested kernels cannot
 * deadlock the pool.
 */
public final class Parallel {

    /** A body over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final long SPIN_NANOS = 1_000L * Long.getLong("dlm4j.spinMicros", 200L);
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static volatile int threads = Integer.getInteger("dlm4j.threads",
            Runtime.getRuntime().availableProcessors());
    /** Null for one thread. Read without a lock, so a kernel never waits on {@link #setThreads}. */
    private static volatile SpinningPool pool = newPool(threads);

    private Parallel() {
    }

    public static int threads() {
        return threads;
    }

    /** Resizes the pool; takes effect for the next kernel call. */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + count);
        }
        if (count != threads) {
            SpinningPool old = pool;
            pool = newPool(count);
            threads = count;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    /**
     * Runs {@code body} over {@code [0, count)} in at most {@link #threads()} contiguous chunks of at
     * least {@code minChunk} indices each (small problems stay on the calling thread).
     */
    public static void forRange(int count, int minChunk, RangeBody body) {
        SpinningPool current = pool;
        int chunks = current == null ? 1 : Math.min(current.threads(), Math.max(1, count / Math.max(1, minChunk)));
        if (chunks > 1 && !IN_WORKER.get() && current.tryRun(count, chunks, body)) {
            return;
        }
        if (count > 0) {
            body.run(0, count);
        }
    }

    /** Called by each pool thread as it starts: kernels it runs do not fan out again. */
    static void markWorkerThread() {
        IN_WORKER.set(true);
    }

    private static SpinningPool newPool(int count) {
        return count <= 1 ? null : new SpinningPool(count, SPIN_NANOS);
    }
}
