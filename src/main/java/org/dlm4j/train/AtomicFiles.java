package org.dlm4j.train;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.dlm4j.data.AtomicOutput;

/**
 * Writes a file all-or-nothing: the bytes go to a temporary file in the same folder, are forced to
 * disk, and the temporary file is then renamed over the target in one atomic step. A reader (or a
 * run resumed after a crash) therefore sees either the old complete file or the new complete file,
 * never a half-written one. On failure the temporary file is deleted and the target is untouched.
 *
 * <p>The temporary file lives next to the target because a rename is only atomic within one file
 * system. Missing parent folders are created. A failure names the target, the operation and the
 * reason ({@link AtomicOutput#failed}).
 */
public final class AtomicFiles {

    /** Produces the content of the file; the stream is closed by {@link AtomicFiles}. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically with the bytes {@code writer} produces. A failure is an
     * IOException naming {@code target} and the reason ("cannot write DIR/state.json: No space left on
     * device"), never the temporary file's bare path.
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Path temporary = null;
        boolean moved = false;
        try {
            Files.createDirectories(folder);
            temporary = Files.createTempFile(folder, "." + absolute.getFileName() + ".", ".tmp");
            makeReadableLikeAnOrdinaryFile(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.writeTo(out);
                out.flush();
                channel.force(true); // the data must be on disk before the rename makes it visible
            }
            moveIntoPlace(temporary, absolute);
            moved = true;
        } catch (IOException e) {
            throw AtomicOutput.failed("write", target, e);
        } finally {
            if (!moved) {
                deleteQuietly(temporary);
            }
        }
    }

    /** Best effort: a leftover hidden ".NAME.*.tmp" file is harmless, the failure that caused it is what matters. */
    private static void deleteQuietly(Path temporary) {
        try {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException ignored) {
            // reported by the caller's exception instead
        }
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically (for JSON files). */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Temporary files are created owner-only (rw-------); the finished file should not stay that way. */
    private static void makeReadableLikeAnOrdinaryFile(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Rare file systems cannot rename atomically; a plain replacing move is the best left.
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
