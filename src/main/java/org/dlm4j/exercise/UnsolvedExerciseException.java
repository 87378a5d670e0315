package org.dlm4j.exercise;

/**
 * What the body of an {@link Exercise} method throws in a student edition until the student writes
 * it. The message names the exercise, the method, the handout to read and the command that grades
 * it, so a failing test or command line says exactly what to do next.
 */
public final class UnsolvedExerciseException extends RuntimeException {
    private final String exercise;

    /**
     * @param exercise the exercise id, {@code "L04.2"}
     * @param method   the method to write, {@code "LayerNorm.referenceBackward"}
     * @param handout  the lesson's handout, relative to the repository root
     */
    public UnsolvedExerciseException(String exercise, String method, String handout) {
        super(exercise + " " + method + " is not written yet: read " + handout + ", write the body of " + method
                + ", then grade it with ./mvnw test -Dlesson=" + exercise.substring(1));
        this.exercise = exercise;
    }

    /** The exercise id, {@code "L04.2"}. */
    public String exercise() {
        return exercise;
    }
}
