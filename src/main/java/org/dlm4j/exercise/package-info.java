/**
 * The course's marker for exercises: {@link org.dlm4j.exercise.Exercise} on a method whose body a
 * student writes, and the {@link org.dlm4j.exercise.UnsolvedExerciseException} its stub throws in a
 * student edition. Every layer may import this package; it imports nothing of dlm4j.
 */
package org.dlm4j.exercise;
