package org.dlm4j.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting a small checkout: what is copied, what is stubbed, and what is refused. */
class StudentEditionTest {
    @TempDir
    Path dir;
    private Path repo;

    @BeforeEach
    void checkout() throws IOException {
        repo = dir.resolve("repo");
        write("pom.xml", "<project/>");
        write("mvnw", "#!/bin/sh\n");
        Files.setPosixFilePermissions(repo.resolve("mvnw"), Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        write(".mvn/wrapper/maven-wrapper.properties", "distributionUrl=x\n");
        write("src/main/java/demo/Demo.java", ExerciseScannerTest.SOURCE);
        write("tests/java/demo/DemoTest.java", "class DemoTest {}\n");
        write("lessons/01-first/README.md", "# one");
        write("lessons/02-second/README.md", "# two");
        write("tiny-data/README.md", "data");
        write("runs/big.bin", "not copied");
    }

    @Test
    void theEditionCarriesTheBuildTestsLessonsAndDataWithTheExercisesStubbed() throws IOException {
        Path out = dir.resolve("student");
        StudentEdition.Summary summary = StudentEdition.export(repo, out, 1);
        assertThat(summary.stubbed()).extracting(ExerciseMethod::id).containsExactly("L01.2", "L02.1");
        assertThat(summary.solved()).isEmpty();
        for (String copied : new String[] {"pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties",
                "tests/java/demo/DemoTest.java", "lessons/01-first/README.md", "tiny-data/README.md"}) {
            assertThat(out.resolve(copied)).as(copied).hasSameTextualContentAs(repo.resolve(copied));
        }
        assertThat(Files.isExecutable(out.resolve("mvnw"))).as("mvnw stays executable").isTrue();
        assertThat(out.resolve("runs")).doesNotExist();
        String demo = Files.readString(out.resolve("src/main/java/demo/Demo.java"));
        assertThat(demo).contains("throw new UnsolvedExerciseException(\"L02.1\"")
                .contains("throw new UnsolvedExerciseException(\"L01.2\"").doesNotContain("return a + b");
    }

    @Test
    void solvedBeforeKeepsTheEarlierLessonsSolved() throws IOException {
        StudentEdition.Summary summary = StudentEdition.export(repo, dir.resolve("student"), 2);
        assertThat(summary.stubbed()).extracting(ExerciseMethod::id).containsExactly("L02.1");
        assertThat(summary.solved()).extracting(ExerciseMethod::id).containsExactly("L01.2");
        String demo = Files.readString(dir.resolve("student/src/main/java/demo/Demo.java"));
        assertThat(demo).contains("int twice() { return 2 * x; }").doesNotContain("return a + b");
    }

    @Test
    void badRequestsAreRefusedAndLeaveNothingBehind() throws IOException {
        assertThatThrownBy(() -> StudentEdition.export(repo, dir.resolve("a"), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--solved-before must be a lesson number from 1 to 2, got 3");
        assertThatThrownBy(() -> StudentEdition.export(repo, repo.resolve("src/edition"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the src it copies");
        assertThatThrownBy(() -> StudentEdition.export(dir.resolve("nowhere"), dir.resolve("b"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a dlm4j checkout");
        Files.createDirectories(dir.resolve("taken"));
        Files.writeString(dir.resolve("taken/keep.txt"), "mine");
        assertThatThrownBy(() -> StudentEdition.export(repo, dir.resolve("taken"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty");
        assertThat(dir.resolve("a")).doesNotExist();
        assertThat(dir.resolve("b")).doesNotExist();
        assertThat(repo.resolve("src/edition")).doesNotExist();
        assertThat(dir.resolve("taken")).isDirectoryContaining(p -> p.getFileName().toString().equals("keep.txt"));
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("repo", "taken");
        }
    }

    @Test
    void anExerciseWithoutItsLessonIsRefused() throws IOException {
        write("src/main/java/demo/Late.java", "class Late {\n    @org.dlm4j.exercise.Exercise(\"L07.1\")\n"
                + "    void f() {\n    }\n}\n");
        assertThatThrownBy(() -> StudentEdition.export(repo, dir.resolve("student"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no lesson 07");
        assertThat(dir.resolve("student")).doesNotExist();
    }

    private void write(String path, String text) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
