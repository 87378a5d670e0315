package org.dlm4j.exercise;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.dlm4j.course.ExerciseMethod;
import org.dlm4j.course.ExerciseScanner;
import org.dlm4j.course.Lessons;
import org.dlm4j.kernels.KernelMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;

/**
 * What every lesson test gets (see {@link LessonTest}):
 * <ul>
 *   <li>the kernels run in {@link KernelMode#REFERENCE}, the readable loops the lessons teach (the
 *       previous mode is restored afterwards);</li>
 *   <li>a failed assertion's message starts with the exercise it grades, the method to write and the
 *       handout, e.g. {@code L04.2 LayerNorm.referenceBackward (lessons/04-fused-ops/README.md): ...}.
 *       A stub's {@link UnsolvedExerciseException} is passed on untouched: it already says all that.</li>
 * </ul>
 */
public final class LessonExtension implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LessonExtension.class);
    private static Map<String, ExerciseMethod> catalogue;

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(KernelMode.class, KernelMode.current());
        KernelMode.set(KernelMode.REFERENCE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KernelMode.set(context.getStore(NAMESPACE).get(KernelMode.class, KernelMode.class));
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (!(thrown instanceof AssertionError)) {
            throw thrown;
        }
        List<String> exercises = exerciseTags(context.getRequiredTestMethod());
        if (exercises.isEmpty()) {
            throw thrown;
        }
        AssertionFailedError explained = new AssertionFailedError(describe(exercises) + ": " + thrown.getMessage(),
                thrown.getCause());
        explained.setStackTrace(thrown.getStackTrace());
        throw explained;
    }

    /** The tags of the form L04.2 on a test method. */
    static List<String> exerciseTags(Method test) {
        List<String> ids = new ArrayList<>();
        for (Tag tag : test.getAnnotationsByType(Tag.class)) {
            if (ExerciseMethod.ID.matcher(tag.value()).matches()) {
                ids.add(tag.value());
            }
        }
        return ids;
    }

    /**
     * "L04.2 LayerNorm.referenceBackward (lessons/04-fused-ops/README.md)" for each id; the bare ids when
     * the checkout cannot be read (the failure itself matters more than its label).
     */
    private static String describe(List<String> ids) {
        try {
            Map<String, ExerciseMethod> known = catalogue();
            Lessons lessons = Lessons.read(Path.of(""));
            return ids.stream().map(id -> {
                ExerciseMethod e = known.get(id);
                return e == null ? id : id + " " + e.method() + " (" + lessons.handout(e.lesson()) + ")";
            }).collect(Collectors.joining(", "));
        } catch (RuntimeException unreadable) {
            return String.join(", ", ids);
        }
    }

    /** The exercises of this checkout (the tests run in the repository root), read once. */
    private static synchronized Map<String, ExerciseMethod> catalogue() {
        if (catalogue == null) {
            catalogue = ExerciseScanner.scan(Path.of("")).stream()
                    .collect(Collectors.toMap(ExerciseMethod::id, Function.identity()));
        }
        return catalogue;
    }
}
