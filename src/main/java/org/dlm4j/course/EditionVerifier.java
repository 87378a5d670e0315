package org.dlm4j.course;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.exercise.UnsolvedExerciseException;

/**
 * Proves that the course works as a student meets it:
 * <ol>
 *   <li>the full student edition (every exercise a stub) compiles with all its tests, by its own
 *       {@code ./mvnw test-compile};</li>
 *   <li>for each lesson N, the edition solved before N fails lesson N's tests ({@code -Dlesson=NN})
 *       only with lesson N's stub errors: no test passes, none is skipped, none fails in any other way,
 *       and every exercise of the lesson is reached by at least one of its tests.</li>
 * </ol>
 * It compiles once: going from lesson N to N+1 only restores lesson N's bodies, so only the files
 * holding them are recompiled (in process, with the system Java compiler), and each lesson runs
 * {@code ./mvnw surefire:test} on the compiled classes; the verdicts come from Surefire's XML reports.
 */
public final class EditionVerifier {
    /** Written into the work folder, so that a later run may clear it again (and nothing else). */
    static final String MARKER = ".dlm4j-course-verify";
    private static final Pattern STUB_MESSAGE = Pattern.compile("^(L(\\d\\d)\\.\\d+) ");

    /** The verdict for one lesson. */
    public record LessonCheck(int lesson, int tests, int passed, int skipped, SortedSet<String> reached,
                              List<String> unreached, List<String> otherFailures, double seconds) {

        public boolean ok() {
            return tests > 0 && passed == 0 && skipped == 0 && unreached.isEmpty() && otherFailures.isEmpty();
        }
    }

    /** The verdict for the course. */
    public record Report(double compileSeconds, List<LessonCheck> lessons, double seconds) {

        public boolean ok() {
            return lessons.stream().allMatch(LessonCheck::ok);
        }
    }

    private EditionVerifier() {
    }

    /** Runs the checks on {@code repo} in {@code work} (created; cleared if an earlier run made it). */
    public static Report verify(Path repo, Path work, PrintWriter log) throws IOException {
        long started = System.nanoTime();
        Path root = repo.toAbsolutePath().normalize();
        Lessons lessons = Lessons.read(root);
        List<ExerciseMethod> exercises = ExerciseScanner.scan(root);
        Path edition = prepareWork(work).resolve("edition");

        StudentEdition.export(root, edition, lessons.first());
        log.printf("course verify: full student edition in %s; compiling it with all tests%n", edition);
        log.flush();
        long compileStart = System.nanoTime();
        int exit = maven(edition, work.resolve("compile.log"), "test-compile");
        if (exit != 0) {
            throw new IllegalStateException("the student edition does not compile (./mvnw test-compile exit " + exit
                    + "); see " + work.resolve("compile.log"));
        }
        double compileSeconds = seconds(compileStart);

        List<LessonCheck> checks = new ArrayList<>();
        for (int lesson : lessons.folders().keySet()) {
            long lessonStart = System.nanoTime();
            restore(root, edition, exercises, lessons, lesson);
            Path reports = edition.resolve("target/surefire-reports");
            AtomicOutput.deleteRecursively(reports);
            String number = String.format(Locale.ROOT, "%02d", lesson);
            maven(edition, work.resolve("lesson-" + number + ".log"), "surefire:test", "-Dlesson=" + number,
                    "-Dmaven.test.failure.ignore=true");
            List<String> ids = exercises.stream().filter(e -> e.lesson() == lesson).map(ExerciseMethod::id).toList();
            LessonCheck check = judge(lesson, ids, SurefireReports.read(reports), seconds(lessonStart));
            checks.add(check);
            log.println(line(check));
            log.flush();
        }
        return new Report(compileSeconds, checks, seconds(started));
    }

    /** Sorts the test results of lesson {@code lesson} against the edition solved before it. */
    static LessonCheck judge(int lesson, List<String> exerciseIds, List<SurefireReports.TestResult> results,
                             double seconds) {
        int passed = 0;
        int skipped = 0;
        SortedSet<String> reached = new TreeSet<>();
        List<String> other = new ArrayList<>();
        for (SurefireReports.TestResult r : results) {
            switch (r.outcome()) {
                case PASSED -> passed++;
                case SKIPPED -> skipped++;
                case FAILED -> {
                    Matcher m = STUB_MESSAGE.matcher(r.message());
                    if (r.type().equals(UnsolvedExerciseException.class.getName()) && m.find()
                            && Integer.parseInt(m.group(2)) == lesson) {
                        reached.add(m.group(1));
                    } else {
                        String firstLine = r.message().lines().findFirst().orElse("");
                        other.add(r.displayName() + ": " + r.type() + ": " + firstLine);
                    }
                }
            }
        }
        List<String> unreached = exerciseIds.stream().filter(id -> !reached.contains(id)).toList();
        return new LessonCheck(lesson, results.size(), passed, skipped, reached, unreached, other, seconds);
    }

    /** One line per lesson for the log, and what went wrong below it. */
    static String line(LessonCheck c) {
        int onStubs = c.tests() - c.passed() - c.skipped() - c.otherFailures().size();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "lesson %02d: %3d tests, %3d failed on its stubs,"
                        + " %d passed, %d skipped, %d other failures (%.0f s) %s; reached %s", c.lesson(), c.tests(),
                onStubs, c.passed(), c.skipped(), c.otherFailures().size(), c.seconds(), c.ok() ? "OK" : "FAILED",
                String.join(" ", c.reached())));
        if (c.tests() == 0) {
            s.append(String.format(Locale.ROOT, "%n  no test ran: are the lesson's tests tagged L%02d?", c.lesson()));
        }
        if (!c.unreached().isEmpty()) {
            s.append("\n  no test failed on the stub of ").append(String.join(", ", c.unreached()));
        }
        for (String failure : c.otherFailures()) {
            s.append("\n  not a stub failure: ").append(failure);
        }
        return s.toString();
    }

    /** Rewrites the sources that differ in the edition solved before {@code lesson} and recompiles them. */
    private static void restore(Path root, Path edition, List<ExerciseMethod> exercises, Lessons lessons, int lesson)
            throws IOException {
        List<Path> changed = new ArrayList<>();
        for (Map.Entry<String, String> source : StudentEdition.sources(root, exercises, lessons, lesson).entrySet()) {
            Path file = edition.resolve(source.getKey());
            if (!Files.readString(file, StandardCharsets.UTF_8).equals(source.getValue())) {
                Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
                changed.add(file);
            }
        }
        if (!changed.isEmpty()) {
            compile(changed, edition.resolve("target/classes"));
        }
    }

    /** Compiles {@code files} into {@code classes} against the compiled edition and this program's libraries. */
    private static void compile(List<Path> sources, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime; run with a JDK 25");
        }
        String classPath = classes + File.pathSeparator + Stream.of(System.getProperty("java.class.path")
                .split(File.pathSeparator)).map(p -> Path.of(p).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "25", "--add-modules", "jdk.incubator.vector", "-parameters",
                    "-g", "-proc:none", "-nowarn", "-Xlint:none", "-d", classes.toString(), "-cp", classPath);
            boolean ok = javac.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(sources))
                    .call();
            if (!ok) {
                String errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("; "));
                throw new IllegalStateException("restored exercise bodies do not compile: " + errors);
            }
        }
    }

    private static int maven(Path edition, Path logFile, String... goals) throws IOException {
        List<String> command = new ArrayList<>(List.of("./mvnw", "-B"));
        command.addAll(List.of(goals));
        Process process = new ProcessBuilder(command).directory(edition.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Creates {@code work}, or clears it when an earlier verify run made it; refuses any other non-empty folder. */
    private static Path prepareWork(Path work) throws IOException {
        Path folder = work.toAbsolutePath().normalize();
        if (Files.exists(folder)) {
            boolean empty;
            try (Stream<Path> entries = Files.list(folder)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(folder.resolve(MARKER))) {
                throw new IllegalArgumentException("work folder " + work + " is not empty and was not made by"
                        + " course verify; choose another --work folder");
            }
            AtomicOutput.deleteRecursively(folder);
        }
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(MARKER), "scratch space of dlm4j course verify; safe to delete\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work folder " + work + ": " + AtomicOutput.reason(e), e);
        }
        return folder;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
