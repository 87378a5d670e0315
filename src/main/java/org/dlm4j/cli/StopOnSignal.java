package org.dlm4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While open, SIGINT (Ctrl-C) and SIGTERM ask the work in progress to stop instead of killing it
 * mid-step. On those signals the JVM runs its shutdown hooks and then exits with 128 + the signal
 * number (130, 143); this hook calls {@code stop} and holds the exit until {@link #close} says the work
 * has wound down (cleaned up, printed its line), or {@link #GRACE_SECONDS} have passed.
 *
 * <p>Use it with try/finally, closing after the failure has been reported: a try-with-resources block
 * closes before its catch clauses run, which would let the JVM exit before the report is printed.
 */
final class StopOnSignal implements AutoCloseable {
    /** How long the exit waits for the work to stop; a longer step is cut off (kill -9 would do the same). */
    static final long GRACE_SECONDS = 10;

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    private StopOnSignal(Runnable stop) {
        this.hook = new Thread(() -> {
            stop.run();
            try {
                done.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dlm4j-stop-on-signal");
    }

    /** Installs the hook; {@code stop} must be safe to call from another thread. */
    static StopOnSignal install(Runnable stop) {
        StopOnSignal signal = new StopOnSignal(stop);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** The work is over: lets a pending exit go on, and removes the hook when no exit is under way. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting; the hook has been released above
        }
    }
}
