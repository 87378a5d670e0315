package org.dlm4j.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParserConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding {@code @Exercise} methods and the exact text of their bodies. */
class ExerciseScannerTest {

    static final String SOURCE = """
            package demo;

            import org.dlm4j.exercise.Exercise;

            /** A demo. */
            final class Demo {
                /** Adds. */
                @Exercise("L02.1")
                static int add(int a, int b) {
                    return a + b; // the solution
                }

                int untouched() {
                    return 7;
                }

                record Inner(int x) {
                    @Exercise("L01.2")
                    int twice() { return 2 * x; }
                }
            }
            """;

    @Test
    void findsEveryMarkedMethodWithItsQualifiedNameLineAndBody() {
        List<ExerciseMethod> found = ExerciseScanner.scanFile("src/Demo.java", SOURCE);
        assertThat(found).extracting(ExerciseMethod::id).containsExactly("L02.1", "L01.2");
        ExerciseMethod add = found.get(0);
        assertThat(add.method()).isEqualTo("Demo.add");
        assertThat(add.line()).isEqualTo(8);
        assertThat(SOURCE.substring(add.bodyStart(), add.bodyEnd()))
                .isEqualTo("{\n        return a + b; // the solution\n    }");
        ExerciseMethod twice = found.get(1);
        assertThat(twice.method()).isEqualTo("Demo.Inner.twice");
        assertThat(SOURCE.substring(twice.bodyStart(), twice.bodyEnd())).isEqualTo("{ return 2 * x; }");
        assertThat(twice.lesson()).isEqualTo(1);
        assertThat(twice.number()).isEqualTo(2);
    }

    @Test
    void refusesIdsThatAreNotLiteralsOfTheRightForm() {
        assertThatThrownBy(() -> ExerciseScanner.scanFile("X.java", SOURCE.replace("\"L02.1\"", "\"L2.1\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("L2.1").hasMessageContaining("L04.2");
        assertThatThrownBy(() -> ExerciseScanner.scanFile("X.java", SOURCE.replace("\"L02.1\"", "ID")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X.java:8")
                .hasMessageContaining("string literal");
        assertThatThrownBy(() -> ExerciseScanner.scanFile("X.java", "class X { void f( }"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cannot parse X.java");
    }

    @Test
    void refusesAnIdUsedTwiceNamingBothMethods(@TempDir Path root) throws IOException {
        Path sources = Files.createDirectories(root.resolve("src/demo"));
        Files.writeString(sources.resolve("Demo.java"), SOURCE);
        Files.writeString(sources.resolve("Other.java"), SOURCE.replace("class Demo", "class Other")
                .replace("\"L01.2\"", "\"L03.1\""));
        assertThatThrownBy(() -> ExerciseScanner.scan(root)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("L02.1 is used twice").hasMessageContaining("Demo.add")
                .hasMessageContaining("Other.add");
    }

    @Test
    void javaParserReadsEverySourceFileOfThisRepositoryAsJava25() throws IOException {
        JavaParser parser = new JavaParser(new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25));
        List<String> failures = new ArrayList<>();
        int files = 0;
        for (String tree : new String[] {"src", "tests"}) {
            try (Stream<Path> walk = Files.walk(Path.of(tree))) {
                for (Path file : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                    files++;
                    var result = parser.parse(Files.readString(file, StandardCharsets.UTF_8));
                    if (!result.isSuccessful()) {
                        failures.add(file + ": " + result.getProblem(0).getMessage());
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(200);
        assertThat(failures).isEmpty();
    }
}
