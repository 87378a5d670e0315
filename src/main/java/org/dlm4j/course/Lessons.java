package org.dlm4j.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lessons of a checkout: one folder {@code lessons/NN-topic/} per lesson, its handout
 * {@code README.md} inside. The folder's two digits are the lesson number that exercise ids carry
 * ({@code L04.2} belongs to {@code lessons/04-...}).
 */
public final class Lessons {
    public static final String FOLDER = "lessons";
    private static final Pattern LESSON_FOLDER = Pattern.compile("(\\d\\d)-[a-z0-9-]+");

    private final SortedMap<Integer, String> folders;

    private Lessons(SortedMap<Integer, String> folders) {
        this.folders = folders;
    }

    /** Reads {@code root/lessons}; a lesson folder without its handout, or a number used twice, is an error. */
    public static Lessons read(Path root) {
        Path lessons = root.resolve(FOLDER);
        if (!Files.isDirectory(lessons)) {
            throw new IllegalArgumentException(root + " has no lessons folder; run from a dlm4j checkout or pass"
                    + " --repo");
        }
        SortedMap<Integer, String> folders = new TreeMap<>();
        try (Stream<Path> entries = Files.list(lessons)) {
            for (Path entry : entries.filter(Files::isDirectory).sorted().toList()) {
                String name = entry.getFileName().toString();
                Matcher m = LESSON_FOLDER.matcher(name);
                if (!m.matches()) {
                    continue;
                }
                if (!Files.isRegularFile(entry.resolve("README.md"))) {
                    throw new IllegalArgumentException("lesson folder " + FOLDER + "/" + name + " has no README.md");
                }
                String other = folders.putIfAbsent(Integer.parseInt(m.group(1)), name);
                if (other != null) {
                    throw new IllegalArgumentException("two lesson folders share number " + m.group(1) + ": " + other
                            + " and " + name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lessons + ": " + e.getMessage(), e);
        }
        if (folders.isEmpty()) {
            throw new IllegalArgumentException(lessons + " holds no lesson folders (NN-topic)");
        }
        return new Lessons(folders);
    }

    /** Lesson numbers to folder names ({@code 4 -> "04-fused-ops"}), ascending. */
    public SortedMap<Integer, String> folders() {
        return Collections.unmodifiableSortedMap(folders);
    }

    /** The handout of {@code lesson}, relative to the repository root: {@code lessons/04-fused-ops/README.md}. */
    public String handout(int lesson) {
        String folder = folders.get(lesson);
        if (folder == null) {
            throw new IllegalArgumentException(String.format("no lesson %02d: there is no folder %s/%02d-<topic>",
                    lesson, FOLDER, lesson));
        }
        return FOLDER + "/" + folder + "/README.md";
    }

    public int first() {
        return folders.firstKey();
    }

    public int last() {
        return folders.lastKey();
    }
}
