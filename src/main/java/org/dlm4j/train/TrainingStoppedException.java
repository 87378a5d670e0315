package org.dlm4j.train;

/**
 * Training was asked to stop ({@link Trainer#requestStop}, e.g. on SIGINT or SIGTERM) and stopped after
 * the step in progress. The message is one line saying at which step and which checkpoint was kept.
 */
public final class TrainingStoppedException extends RuntimeException {
    public TrainingStoppedException(String message) {
        super(message);
    }
}
