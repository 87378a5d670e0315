package org.dlm4j.exercise;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a class of lesson tests. Such a class carries the lesson's tag ({@code @Tag("L04")}) and each
 * test the tag of the exercise it grades ({@code @Tag("L04.2")}), so that {@code ./mvnw test -Dlesson=04}
 * and {@code -Dlesson=04.2} select them. The {@link LessonExtension} runs every test with the readable
 * reference kernels and puts the exercise, its method and its handout in front of every failure message.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(LessonExtension.class)
public @interface LessonTest {
}
