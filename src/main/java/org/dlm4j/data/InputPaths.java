package org.dlm4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one check every command runs on a path it is about to read: it must exist and be of the right
 * kind. The error is one line naming what the path was meant to be ({@code "data folder"},
 * {@code "multiple-choice file"}) and what is wrong with it, so a user who passes a folder where a
 * file belongs is not told that it "does not exist".
 */
public final class InputPaths {

    private InputPaths() {
    }

    /** {@code path} if it is a regular file; otherwise a one-line error naming {@code what} it should be. */
    public static Path requireFile(Path path, String what) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        throw new IllegalArgumentException(what + " " + path + (Files.isDirectory(path)
                ? " is a folder, not a file" : " does not exist"));
    }

    /**
     * {@code path} if it is a folder; otherwise a one-line error naming {@code what} it should be,
     * with {@code hint} (may be empty) appended when it does not exist at all.
     */
    public static Path requireFolder(Path path, String what, String hint) {
        if (Files.isDirectory(path)) {
            return path;
        }
        throw new IllegalArgumentException(what + " " + path + (Files.exists(path)
                ? " is a file, not a folder" : " does not exist" + (hint.isEmpty() ? "" : " (" + hint + ")")));
    }
}
