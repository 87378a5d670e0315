package org.dlm4j.exercise;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose whole body is a course exercise: the code shipped here is the solution, and
 * {@code dlm4j course export} writes a student edition in which the body is replaced by a stub that
 * throws {@link UnsolvedExerciseException}. The signature and the Javadoc stay; they are the
 * specification the student works from.
 *
 * <p>The id is {@code L<lesson>.<number>}, the lesson in two digits: {@code L04.2} is the second
 * exercise of lesson 4, explained in {@code lessons/04-<topic>/README.md}, graded by the tests tagged
 * {@code L04.2} ({@code ./mvnw test -Dlesson=04.2}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Exercise {

    /** The exercise id, for example {@code "L04.2"}. */
    String value();
}
