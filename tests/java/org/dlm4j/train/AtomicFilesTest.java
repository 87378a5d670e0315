package org.dlm4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    @TempDir
    Path folder;

    @Test
    void writesANewFileInANewFolderAndLeavesNoTemporaryFile() throws IOException {
        Path target = folder.resolve("run/config.json");

        AtomicFiles.writeString(target, "{\"step\": 1}");

        assertThat(target).hasContent("{\"step\": 1}");
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void theFinishedFileIsReadableByOthersLikeAnOrdinaryFile() throws IOException {
        Path target = folder.resolve("model.safetensors");

        AtomicFiles.writeString(target, "weights");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = folder.resolve("state.json");
        AtomicFiles.writeString(target, "old and longer content");

        AtomicFiles.writeString(target, "new");

        assertThat(target).hasContent("new");
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = folder.resolve("checkpoint.safetensors");
        AtomicFiles.writeString(target, "complete old checkpoint");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half of a new che".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("cannot write " + target + ": disk full");

        assertThat(target).hasContent("complete old checkpoint");
        try (var files = Files.list(folder)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aFailureNamesTheTargetNotTheTemporaryFile() throws IOException {
        Path file = Files.writeString(folder.resolve("file"), "x");
        Path target = file.resolve("config.json"); // its folder is a file

        assertThatThrownBy(() -> AtomicFiles.writeString(target, "{}")).isInstanceOf(IOException.class)
                .hasMessage("cannot write " + target + ": " + file + " exists and is not a folder");
    }
}
