package org.dlm4j.train;

/**
 * Training met a non-finite loss or gradient norm and stopped before applying the bad update. The
 * message is one line saying at which step, what went wrong and which checkpoint was kept.
 */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
