package org.dlm4j.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.ArrayList;
import java.util.List;

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
 * be changed with {@link #setThreads}. A call made from inside a worker runs serially, so nested
 * kernels cannot deadlock the pool.
 */
public final class Parallel {

    /** A body over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static int threads = Integer.getInteger("dlm4j.threads", Runtime.getRuntime().availableProcessors());
    private static ExecutorService pool = newPool(threads);

    private Parallel() {
    }

    public static synchronized int threads() {
        return threads;
    }

    /** Resizes the pool; takes effect for the next kernel call. */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + count);
        }
        if (count != threads) {
            if (pool != null) {
                pool.shutdown();
            }
            threads = count;
            pool = newPool(count);
        }
    }

    /**
     * Runs {@code body} over {@code [0, count)} in at most {@link #threads()} contiguous chunks of at
     * least {@code minChunk} indices each (small problems stay on the calling thread).
     */
    public static void forRange(int count, int minChunk, RangeBody body) {
        ExecutorService executor;
        int chunks;
        synchronized (Parallel.class) {
            executor = pool;
            chunks = Math.min(threads, Math.max(1, count / Math.max(1, minChunk)));
        }
        if (chunks <= 1 || IN_WORKER.get()) {
            if (count > 0) {
                body.run(0, count);
            }
            return;
        }
        List<Future<?>> pending = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) count * c / chunks);
            int end = (int) ((long) count * (c + 1) / chunks);
            pending.add(executor.submit(() -> body.run(start, end)));
        }
        body.run(0, (int) ((long) count / chunks));
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    private static ExecutorService newPool(int count) {
        if (count <= 1) {
            return null;
        }
        return Executors.newFixedThreadPool(count - 1, runnable -> {
            Thread t = new Thread(() -> {
                IN_WORKER.set(true);
                runnable.run();
            }, "dlm4j-kernel");
            t.setDaemon(true);
            return t;
        });
    }
}
