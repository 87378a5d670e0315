package org.dlm4j.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.dlm4j.exercise.Exercise;

/**
 * The worker threads behind {@link Parallel}: each waits for its next chunk by spinning for a short
 * while before it parks, as OpenMP and OpenBLAS threads do.
 *
 * <p>Why spin: a training step is hundreds of kernel calls, each a fraction of a millisecond on two
 * cores. A parked thread takes tens to hundreds of microseconds to be woken (more on a virtual
 * machine, whose idle CPU the host has to wake too), which was longer than a whole 512 x 512 matmul:
 * with a plain executor the second thread often joined too late to help. A worker that is still
 * spinning picks up the next chunk within a microsecond. After {@link #spinNanos} without work it
 * parks, so an idle program costs no CPU.
 *
 * <p>Each worker has its own mailbox (a volatile {@link Job} field). The caller fills the mailboxes of
 * the workers it needs, runs chunk 0 itself, then spins until the job's pending count reaches zero.
 * One caller at a time: a call from a second thread while the pool is busy, or a nested call from
 * inside a chunk, runs serially on its own thread (same bits, see {@link Parallel}).
 */
final class SpinningPool {

    /** One {@code forRange} call, shared by the caller and the workers running its chunks. */
    private static final class Job {
        final Parallel.RangeBody body;
        final int count;
        final int chunks;
        final AtomicInteger pending;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(Parallel.RangeBody body, int count, int chunks) {
            this.body = body;
            this.count = count;
            this.chunks = chunks;
            this.pending = new AtomicInteger(chunks - 1);
        }

        /** Chunk c is [count*c/chunks, count*(c+1)/chunks): contiguous, in order, sizes differing by at most 1. */
        void run(int chunk) {
            int start = (int) ((long) count * chunk / chunks);
            int end = (int) ((long) count * (chunk + 1) / chunks);
            body.run(start, end);
        }
    }

    private final class Worker extends Thread {
        final int chunk;
        volatile Job mailbox;
        volatile boolean parked;

        Worker(int chunk) {
            super("dlm4j-kernel-" + chunk);
            this.chunk = chunk;
            setDaemon(true);
        }

        @Override
        public void run() {
            Parallel.markWorkerThread();
            while (!stopped) {
                Job job = awaitJob();
                if (job == null) {
                    continue;
                }
                mailbox = null;
                try {
                    job.run(chunk);
                } catch (Throwable t) {
                    job.failure.compareAndSet(null, t);
                } finally {
                    job.pending.decrementAndGet();
                }
            }
        }

        /** Spins up to spinNanos for a job, then parks until one arrives; null if the pool stopped. */
        private Job awaitJob() {
            long deadline = System.nanoTime() + spinNanos;
            Job job;
            while ((job = mailbox) == null && !stopped) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                // Dekker handshake with submit(): it writes the mailbox then reads parked; we write parked
                // then read the mailbox. With volatiles one of us sees the other, so no wake-up is lost.
                parked = true;
                if (mailbox == null && !stopped) {
                    LockSupport.park(this);
                }
                parked = false;
                deadline = System.nanoTime() + spinNanos;
            }
            return job;
        }
    }

    private final Worker[] workers;
    private final long spinNanos;
    private final ReentrantLock caller = new ReentrantLock();
    private volatile boolean stopped;

    /** A pool for {@code threads} threads in all: the caller plus {@code threads - 1} workers. */
    SpinningPool(int threads, long spinNanos) {
        this.spinNanos = spinNanos;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** The number of threads a call can use, the caller included. */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code body} over {@code [0, count)} in {@code chunks} contiguous chunks (2 <= chunks <=
     * threads()), chunk 0 on the calling thread; returns false without running anything when the pool
     * is busy with another call or stopped, so the caller runs the body serially instead.
     *
     * <p>Under the {@code caller} lock (taken with tryLock; a thread that already holds it, i.e. a
     * nested call, gets false too): post one {@link Job} to the mailboxes of workers 1..chunks-1,
     * unparking those that parked; run chunk 0 here; wait until the job's pending count is 0
     * ({@link #awaitWorkers}); then rethrow the first failure, the caller's own first (an unchecked
     * exception or Error as it is, anything else wrapped in an IllegalStateException).
     */
    @Exercise("L13.2")
    boolean tryRun(int count, int chunks, Parallel.RangeBody body) {
        if (caller.isHeldByCurrentThread() || !caller.tryLock()) {
            return false;
        }
        try {
            if (stopped) {
                return false;
            }
            Job job = new Job(body, count, chunks);
            for (int c = 1; c < chunks; c++) {
                Worker worker = workers[c - 1];
                worker.mailbox = job;
                if (worker.parked) {
                    LockSupport.unpark(worker);
                }
            }
            Throwable callerFailure = null;
            try {
                job.run(0);
            } catch (Throwable t) {
                callerFailure = t;
            }
            awaitWorkers(job);
            Throwable failure = callerFailure != null ? callerFailure : job.failure.get();
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return true;
        } finally {
            caller.unlock();
        }
    }

    /** Spins while the workers finish their chunks; backs off to short sleeps if one was descheduled. */
    private void awaitWorkers(Job job) {
        long deadline = System.nanoTime() + spinNanos;
        while (job.pending.get() > 0) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** Lets the workers exit once the current call (if any) has finished. */
    void shutdown() {
        caller.lock();
        try {
            stopped = true;
            for (Worker worker : workers) {
                LockSupport.unpark(worker);
            }
        } finally {
            caller.unlock();
        }
    }
}
