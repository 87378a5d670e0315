package org.dlm4j.course;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing exercise bodies by stubs, and nothing else. */
class StubsTest {
    private Lessons lessons;

    @BeforeEach
    void lessons(@TempDir Path root) throws IOException {
        for (String folder : new String[] {"01-first", "02-second"}) {
            Files.createDirectories(root.resolve("lessons/" + folder));
            Files.writeString(root.resolve("lessons/" + folder + "/README.md"), "# " + folder);
        }
        lessons = Lessons.read(root);
    }

    @Test
    void aStubThrowsNamingTheExerciseItsMethodAndHandoutAndKeepsEverythingElse() {
        String source = ExerciseScannerTest.SOURCE;
        List<ExerciseMethod> exercises = ExerciseScanner.scanFile("Demo.java", source);
        String stubbed = Stubs.stub(source, List.of(exercises.get(0)), lessons);
        assertThat(stubbed).contains("""
                    /** Adds. */
                    @Exercise("L02.1")
                    static int add(int a, int b) {
                        throw new UnsolvedExerciseException("L02.1", "Demo.add",
                                "lessons/02-second/README.md");
                    }
                """);
        assertThat(stubbed).doesNotContain("return a + b").contains("int twice() { return 2 * x; }")
                .contains("int untouched() {\n        return 7;\n    }");
        assertThat(stubbed).contains("import org.dlm4j.exercise.Exercise;\nimport org.dlm4j.exercise."
                + "UnsolvedExerciseException;\n");
        String withoutImport = stubbed.replace("import org.dlm4j.exercise.UnsolvedExerciseException;\n", "");
        ExerciseMethod add = exercises.get(0);
        assertThat(withoutImport).as("everything before the body").startsWith(source.substring(0, add.bodyStart()))
                .as("everything after the body").endsWith(source.substring(add.bodyEnd()));
    }

    @Test
    void everyExerciseOfAFileCanBeStubbedAndTheResultIsStillFoundByTheScanner() {
        String source = ExerciseScannerTest.SOURCE;
        List<ExerciseMethod> exercises = ExerciseScanner.scanFile("Demo.java", source);
        String stubbed = Stubs.stub(source, exercises, lessons);
        assertThat(stubbed).contains("        int twice() {\n            throw new UnsolvedExerciseException(\"L01.2\","
                + " \"Demo.Inner.twice\",\n                    \"lessons/01-first/README.md\");\n        }");
        assertThat(ExerciseScanner.scanFile("Demo.java", stubbed)).extracting(ExerciseMethod::id)
                .containsExactly("L02.1", "L01.2");
        assertThat(Stubs.stub(stubbed, List.of(), lessons)).isEqualTo(stubbed);
    }

    @Test
    void withoutTheExerciseImportTheExceptionIsNamedInFull() {
        String source = ExerciseScannerTest.SOURCE.replace("import org.dlm4j.exercise.Exercise;\n", "")
                .replace("@Exercise(", "@org.dlm4j.exercise.Exercise(");
        List<ExerciseMethod> exercises = ExerciseScanner.scanFile("Demo.java", source);
        String stubbed = Stubs.stub(source, exercises, lessons);
        assertThat(stubbed).contains("throw new org.dlm4j.exercise.UnsolvedExerciseException(\"L02.1\"")
                .doesNotContain("import org.dlm4j.exercise.UnsolvedExerciseException");
    }
}
