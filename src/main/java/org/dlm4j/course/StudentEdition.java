package org.dlm4j.course;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.dlm4j.data.AtomicOutput;

/**
 * Writes a student edition of a checkout: the same project, in which the body of every exercise of
 * lesson N and later is a stub ({@link Stubs}) while the exercises of earlier lessons stay solved.
 * It carries the build (pom.xml, the Maven wrapper and .mvn), the sources, all tests, the lessons and
 * tiny-data, so it builds and grades itself with its own {@code ./mvnw} and needs nothing else from the
 * original checkout.
 *
 * <p>The edition is written into a temporary folder beside {@code out} and renamed into place when
 * complete ({@link AtomicOutput}): a failed export leaves nothing behind, and an existing non-empty
 * {@code out} is refused.
 */
public final class StudentEdition {
    /** What every edition needs from the checkout. */
    static final List<String> REQUIRED = List.of("pom.xml", "mvnw", ".mvn", "src", "tests", "lessons");
    /** Copied along when present. */
    static final List<String> OPTIONAL = List.of("mvnw.cmd", "dlm4j", "tiny-data", "docs", "README.md", ".gitignore");

    /** What an export wrote. */
    public record Summary(Path out, int solvedBefore, List<ExerciseMethod> stubbed, List<ExerciseMethod> solved,
                          long files) {
    }

    private StudentEdition() {
    }

    /** Exports {@code repo} into {@code out} with the lessons before {@code solvedBefore} solved. */
    public static Summary export(Path repo, Path out, int solvedBefore) {
        Path root = repo.toAbsolutePath().normalize();
        for (String entry : REQUIRED) {
            if (!Files.exists(root.resolve(entry))) {
                throw new IllegalArgumentException(repo + " is not a dlm4j checkout: it has no " + entry);
            }
        }
        Path target = out.toAbsolutePath().normalize();
        for (String entry : copiedEntries(root)) {
            if (target.startsWith(root.resolve(entry))) {
                throw new IllegalArgumentException("the edition cannot be written into " + out + ", inside the "
                        + entry + " it copies; choose a folder outside it");
            }
        }
        Lessons lessons = Lessons.read(root);
        List<ExerciseMethod> exercises = ExerciseScanner.scan(root);
        Map<String, String> rewritten = sources(root, exercises, lessons, solvedBefore);
        long[] files = {0};
        AtomicOutput.writeFolder(target, false, folder -> {
            for (String entry : copiedEntries(root)) {
                files[0] += copy(root, entry, folder, rewritten);
            }
        });
        List<ExerciseMethod> stubbed = new ArrayList<>();
        List<ExerciseMethod> solved = new ArrayList<>();
        for (ExerciseMethod e : exercises) {
            (e.lesson() >= solvedBefore ? stubbed : solved).add(e);
        }
        return new Summary(target, solvedBefore, stubbed, solved, files[0]);
    }

    /**
     * The text of every source file that holds exercises, as the edition solved before
     * {@code solvedBefore} has it (a file whose exercises all stay solved keeps its text), by path
     * relative to the checkout.
     */
    public static Map<String, String> sources(Path root, List<ExerciseMethod> exercises, Lessons lessons,
                                              int solvedBefore) {
        if (solvedBefore < lessons.first() || solvedBefore > lessons.last()) {
            throw new IllegalArgumentException("--solved-before must be a lesson number from " + lessons.first()
                    + " to " + lessons.last() + ", got " + solvedBefore);
        }
        Map<String, List<ExerciseMethod>> byFile = new LinkedHashMap<>();
        for (ExerciseMethod e : exercises) {
            lessons.handout(e.lesson()); // every exercise needs its lesson
            byFile.computeIfAbsent(e.file(), f -> new ArrayList<>());
            if (e.lesson() >= solvedBefore) {
                byFile.get(e.file()).add(e);
            }
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<String, List<ExerciseMethod>> file : byFile.entrySet()) {
            try {
                String text = Files.readString(root.resolve(file.getKey()), StandardCharsets.UTF_8);
                texts.put(file.getKey(), Stubs.stub(text, file.getValue(), lessons));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file.getKey() + ": " + AtomicOutput.reason(e));
            }
        }
        return texts;
    }

    private static List<String> copiedEntries(Path root) {
        List<String> entries = new ArrayList<>(REQUIRED);
        for (String entry : OPTIONAL) {
            if (Files.exists(root.resolve(entry))) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Copies {@code entry} (a file or a tree) into {@code folder}, rewritten sources as given; returns the files. */
    private static long copy(Path root, String entry, Path folder, Map<String, String> rewritten) throws IOException {
        long files = 0;
        try (Stream<Path> walk = Files.walk(root.resolve(entry))) {
            for (Path source : walk.toList()) {
                String relative = ExerciseScanner.relative(root, source);
                Path destination = folder.resolve(relative);
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(destination);
                    continue;
                }
                String text = rewritten.get(relative);
                if (text != null) {
                    Files.writeString(destination, text, StandardCharsets.UTF_8);
                } else {
                    Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                files++;
            }
        }
        return files;
    }
}
