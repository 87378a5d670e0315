package org.dlm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlm4j course}: listing the exercises, exporting a student edition, and refusing bad requests. */
class CourseCommandTest {
    @TempDir
    Path dir;

    @Test
    void listPrintsEveryExerciseWithItsFileAndHandout() {
        CliResult result = CliResult.run("course", "list");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("L01\\.1 +Matmul\\.referenceAb +src/main/java/org/dlm4j/kernels/"
                + "Matmul\\.java:\\d+ +lessons/01-kernels/README\\.md");
    }

    @Test
    void exportWritesAnEditionWithTheLaterLessonsStubbed() throws IOException {
        Path out = dir.resolve("student");
        CliResult result = CliResult.run("course", "export", "--out", out.toString(), "--solved-before", "2");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("wrote a student edition to " + out).contains("lessons 02 and later")
                .contains("./mvnw test -Dlesson=02");
        assertThat(Files.readString(out.resolve("src/main/java/org/dlm4j/kernels/Matmul.java")))
                .doesNotContain("UnsolvedExerciseException");
        assertThat(Files.readString(out.resolve("src/main/java/org/dlm4j/tensor/Broadcast.java")))
                .contains("throw new UnsolvedExerciseException(\"L02.1\", \"Broadcast.shape\",");
        assertThat(out.resolve("mvnw")).isExecutable();
        assertThat(out.resolve("lessons/README.md")).exists();
    }

    @Test
    void badRequestsGetOneErrorLineAndWriteNothing() throws IOException {
        Path out = dir.resolve("student");
        CliResult.assertOneErrorLine(CliResult.run("course", "export", "--out", out.toString(), "--solved-before",
                "99"), Main.EXIT_FAILURE, "--solved-before must be a lesson number from 1 to");
        CliResult.assertOneErrorLine(CliResult.run("course", "export", "--out", out.toString(), "--repo",
                dir.resolve("nowhere").toString()), Main.EXIT_FAILURE, "is not a dlm4j checkout");
        assertThat(out).doesNotExist();
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        CliResult.assertOneErrorLine(CliResult.run("course", "export", "--out", out.toString()), Main.EXIT_FAILURE,
                "is not empty");
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("mine");
        CliResult.assertOneErrorLine(CliResult.run("course", "export"), Main.EXIT_USAGE, "--out");
        CliResult.assertOneErrorLine(CliResult.run("course"), Main.EXIT_USAGE, "missing subcommand");
    }
}
