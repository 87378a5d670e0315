package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputPathsTest {
    @TempDir
    Path dir;

    @Test
    void aFileMustBeAFileAndAFolderAFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("a.txt"), "x");
        Path missing = dir.resolve("missing");
        assertThat(InputPaths.requireFile(file, "input file")).isEqualTo(file);
        assertThat(InputPaths.requireFolder(dir, "data folder", "")).isEqualTo(dir);
        assertThatThrownBy(() -> InputPaths.requireFile(dir, "input file"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("input file " + dir + " is a folder, not a file");
        assertThatThrownBy(() -> InputPaths.requireFile(missing, "input file"))
                .hasMessage("input file " + missing + " does not exist");
        assertThatThrownBy(() -> InputPaths.requireFolder(file, "data folder", "make one"))
                .hasMessage("data folder " + file + " is a file, not a folder");
        assertThatThrownBy(() -> InputPaths.requireFolder(missing, "data folder", "make one"))
                .hasMessage("data folder " + missing + " does not exist (make one)");
        assertThatThrownBy(() -> InputPaths.requireFolder(missing, "checkpoint", ""))
                .hasMessage("checkpoint " + missing + " does not exist");
    }
}
