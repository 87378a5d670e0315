package org.dlm4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes output so that nothing is ever half-written: everything is first written into a fresh temporary
 * folder next to the destination (same file system), then moved into place with renames. If writing
 * fails, the temporary folder is deleted and the destination is untouched. A process killed while
 * writing leaves its hidden ".NAME.partial-PID-..." folder behind; the next write of NAME removes it.
 */
public final class AtomicOutput {
    /** Fills a folder with output. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path folder) throws IOException;
    }

    private AtomicOutput() {
    }

    /**
     * Makes {@code out} a folder holding exactly what {@code filler} writes. An existing non-empty {@code out}
     * is refused unless {@code force}, in which case it is replaced as a whole.
     */
    public static void writeFolder(Path out, boolean force, Filler filler) {
        Path target = out.toAbsolutePath().normalize();
        refuseUnlessForced(target, force);
        Path temp = createTemp(target);
        try {
            filler.fill(temp);
            makeReadableLikeAnOrdinaryFolder(temp);
            if (Files.exists(target)) {
                deleteRecursively(target);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failedUnchecked("write", out, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /**
     * Writes the files or folders {@code names} into {@code out} (created if needed), leaving anything else
     * in {@code out} alone. Refuses when one of {@code names} already exists unless {@code force}.
     */
    public static void writeEntries(Path out, List<String> names, boolean force, Filler filler) {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("output " + out + " exists and is not a folder");
        }
        if (!force) {
            for (String name : names) {
                if (Files.exists(target.resolve(name))) {
                    throw new IllegalArgumentException("output " + target.resolve(name) + " already exists (use --force to replace it)");
                }
            }
        }
        Path temp = createTemp(target);
        try {
            filler.fill(temp);
            for (String name : names) {
                if (!Files.exists(temp.resolve(name))) {
                    throw new IllegalStateException("output " + name + " was not written");
                }
            }
            Files.createDirectories(target);
            for (String name : names) {
                Path destination = target.resolve(name);
                if (Files.exists(destination)) {
                    deleteRecursively(destination);
                }
                Files.move(temp.resolve(name), destination, StandardCopyOption.ATOMIC_MOVE);
            }
            deleteRecursively(temp);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failedUnchecked("write", out, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static void refuseUnlessForced(Path target, boolean force) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new IllegalArgumentException("output " + target + " exists and is not a folder");
        }
        if (!force) {
            try (var entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("output folder " + target + " is not empty (use --force to replace it)");
                }
            } catch (IOException e) {
                throw failedUnchecked("list", target, e);
            }
        }
    }

    /**
     * A new hidden folder ".NAME.partial-PID-RANDOM" beside {@code target}, PID being this process's id.
     * Partial folders of {@code target} whose process is no longer running (killed with kill -9, say)
     * are removed first: nothing else would ever remove them.
     */
    private static Path createTemp(Path target) {
        Path parent = target.getParent();
        String prefix = "." + target.getFileName() + ".partial-";
        try {
            Files.createDirectories(parent);
            removeAbandoned(parent, prefix);
            return Files.createTempDirectory(parent, prefix + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw failedUnchecked("write", target, e);
        }
    }

    /** Deletes the entries "PREFIX PID-..." of {@code parent} whose process PID has ended. */
    private static void removeAbandoned(Path parent, String prefix) throws IOException {
        try (var entries = Files.list(parent)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                int dash = name.indexOf('-', prefix.length());
                if (!name.startsWith(prefix) || dash < 0) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(name.substring(prefix.length(), dash));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteQuietly(entry);
                    }
                } catch (NumberFormatException notOurs) {
                    // not a name this class made; leave it
                }
            }
        }
    }

    /**
     * Why a file operation failed, as a phrase for an error line: "permission denied", "not valid UTF-8",
     * the operating system's reason ("No space left on device", "Read-only file system"), or (for
     * exceptions that carry only a path, such as NoSuchFileException) what went wrong with which path,
     * instead of a bare path, a class name or a decoder's "Input length = 1".
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8";
        }
        if (e instanceof FileSystemException fs) {
            String file = fs.getFile() != null ? fs.getFile() : "?";
            return switch (fs) {
                case NoSuchFileException missing -> "no such file or folder: " + file;
                case FileAlreadyExistsException exists -> file + (Files.isDirectory(Path.of(file))
                        ? " already exists" : " exists and is not a folder");
                case NotDirectoryException notFolder -> file + " is not a folder";
                case DirectoryNotEmptyException notEmpty -> file + " is a folder that is not empty";
                default -> fs.getReason() != null ? fs.getReason() : "failed on " + file;
            };
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * {@code e} as an IOException whose message names the operation, the file and the reason:
     * {@code failed("write", file, e)} says "cannot write runs/a/config.json: No space left on device".
     */
    public static IOException failed(String operation, Path file, IOException e) {
        return new IOException(describe(operation, file, e), e);
    }

    /** {@link #failed} as an unchecked exception, for code that cannot throw IOException. */
    public static UncheckedIOException failedUnchecked(String operation, Path file, IOException e) {
        return new UncheckedIOException(describe(operation, file, e), e);
    }

    private static String describe(String operation, Path file, IOException e) {
        String reason = reason(e);
        // NoSuchFileException and friends name their file in the reason; once is enough when it is this one
        String prefix = file + " ";
        if (reason.startsWith(prefix)) {
            reason = reason.substring(prefix.length());
        } else if (reason.endsWith(": " + file)) {
            reason = reason.substring(0, reason.length() - file.toString().length() - 2);
        }
        return "cannot " + operation + " " + file + ": " + reason;
    }

    /** Temporary folders are created owner-only (rwx------); the finished output should not stay that way. */
    private static void makeReadableLikeAnOrdinaryFolder(Path folder) throws IOException {
        if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Deletes {@code path} and everything below it; a path that does not exist is left as is. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException ignored) {
            // Best effort: the temporary folder's name starts with a dot and says ".partial-".
        }
    }
}
