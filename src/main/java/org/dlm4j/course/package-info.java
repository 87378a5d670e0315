/**
 * The course as a tool: finds the {@link org.dlm4j.exercise.Exercise} methods of a checkout
 * ({@link org.dlm4j.course.ExerciseScanner}, JavaParser), writes a student edition in which the exercises
 * of a lesson and the later ones are stubs ({@link org.dlm4j.course.StudentEdition},
 * {@link org.dlm4j.course.Stubs}), and proves that each lesson's tests fail only on that lesson's stubs
 * ({@link org.dlm4j.course.EditionVerifier}). The lessons themselves are the handouts in {@code lessons/}.
 *
 * <p>Only {@code cli} imports this package; it imports {@code exercise} and {@code data.AtomicOutput}.
 */
package org.dlm4j.course;
