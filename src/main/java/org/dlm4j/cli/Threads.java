package org.dlm4j.cli;

import org.dlm4j.kernels.Parallel;
import picocli.CommandLine;

/**
 * The {@code --threads} option of train, crossover and bench: from 1 to the processors this JVM may use.
 * More threads than processors cannot run at once; the spinning worker pool would only make them wait on
 * each other (the numbers are the same for any count, so nothing is gained).
 */
final class Threads {
    private Threads() {
    }

    /** A usage error (exit 2) unless {@code threads} is in [1, available processors]. */
    static int check(CommandLine commandLine, int threads) {
        int processors = Runtime.getRuntime().availableProcessors();
        if (threads < 1 || threads > processors) {
            throw new CommandLine.ParameterException(commandLine, "--threads must be between 1 and the " + processors
                    + " processors this machine gives the JVM, got " + threads);
        }
        return threads;
    }

    /** Checks {@code threads} and sets the kernels' pool to it; null leaves the pool as it is. */
    static void apply(CommandLine commandLine, Integer threads) {
        if (threads != null) {
            Parallel.setThreads(check(commandLine, threads));
        }
    }
}
