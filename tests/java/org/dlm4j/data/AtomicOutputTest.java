package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
    @TempDir
    Path dir;

    @Test
    void reasonsAreAPhraseNotABarePathOrClassName() {
        assertThat(AtomicOutput.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(AtomicOutput.reason(new NoSuchFileException("/proc/x"))).isEqualTo("no such file or folder: /proc/x");
        assertThat(AtomicOutput.reason(new FileSystemException("/a", null, "Read-only file system")))
                .isEqualTo("Read-only file system");
        assertThat(AtomicOutput.reason(new FileSystemException("/a"))).isEqualTo("failed on /a");
        assertThat(AtomicOutput.reason(new IOException("disk full"))).isEqualTo("disk full");
    }

    @Test
    void anOutputBelowAFileSaysTheFileIsNotAFolderAndLeavesNothing() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> AtomicOutput.writeEntries(file.resolve("sub"), List.of("a"), false,
                temp -> Files.writeString(temp.resolve("a"), "a")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot write " + file.resolve("sub") + ": " + file + " exists and is not a folder");
        assertThat(Files.readString(file)).isEqualTo("x");
        try (var entries = Files.list(dir)) {
            assertThat(entries.toList()).containsExactly(file);
        }
    }

    @Test
    void deleteRecursivelyRemovesATreeAndIgnoresAMissingPath() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("t/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        AtomicOutput.deleteRecursively(dir.resolve("t"));
        assertThat(dir.resolve("t")).doesNotExist();
        AtomicOutput.deleteRecursively(dir.resolve("t"));
    }

    @Test
    void aPartialFolderLeftByAProcessThatDiedIsRemovedByTheNextWriteAndALiveOneIsKept() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path abandoned = Files.createDirectories(dir.resolve(".ds.partial-" + ended.pid() + "-123"));
        Files.writeString(abandoned.resolve("train.bin"), "half");
        Path live = Files.createDirectories(dir.resolve(".ds.partial-" + ProcessHandle.current().pid() + "-456"));
        Path otherTarget = Files.createDirectories(dir.resolve(".other.partial-" + ended.pid() + "-789"));

        AtomicOutput.writeFolder(dir.resolve("ds"), false, folder -> Files.writeString(folder.resolve("a"), "a"));

        assertThat(abandoned).doesNotExist();
        assertThat(live).exists();
        assertThat(otherTarget).exists();
        assertThat(dir.resolve("ds/a")).hasContent("a");
    }
}
