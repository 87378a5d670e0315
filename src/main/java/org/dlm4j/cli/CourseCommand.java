package org.dlm4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dlm4j.course.EditionVerifier;
import org.dlm4j.course.ExerciseMethod;
import org.dlm4j.course.ExerciseScanner;
import org.dlm4j.course.Lessons;
import org.dlm4j.course.StudentEdition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlm4j course}: list the exercises, export a student edition, verify the course. */
@Command(name = "course", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The course in lessons/: list its exercises, export a student edition, verify it.",
        subcommands = {CourseCommand.ListExercises.class, CourseCommand.Export.class, CourseCommand.Verify.class})
public final class CourseCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, export or verify");
    }

    /** The {@code --repo} option every subcommand shares. */
    static final class Checkout {
        @Option(names = "--repo", defaultValue = ".", description = "The dlm4j checkout (default: the current folder).")
        Path repo;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Print every exercise: id, method, file and handout.")
    static final class ListExercises implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Checkout checkout;

        @Override
        public Integer call() {
            Lessons lessons = Lessons.read(checkout.repo);
            PrintWriter out = spec.commandLine().getOut();
            for (ExerciseMethod e : ExerciseScanner.scan(checkout.repo)) {
                out.printf(Locale.ROOT, "%-6s %-44s %s:%d  %s%n", e.id(), e.method(), e.file(), e.line(),
                        lessons.handout(e.lesson()));
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Write a student edition into --out: the bodies of the exercises of lesson N and later"
                    + " (N = --solved-before, default 1: all of them) replaced by stubs that name the exercise, its"
                    + " handout and the command that grades it. It builds and grades itself with its own ./mvnw.")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", required = true, description = "The folder to create (must not exist, or be empty).")
        Path out;

        @Option(names = "--solved-before", defaultValue = "1", paramLabel = "N",
                description = "Keep the exercises of the lessons before N solved (default: ${DEFAULT-VALUE}).")
        int solvedBefore;

        @CommandLine.Mixin
        Checkout checkout;

        @Override
        public Integer call() {
            StudentEdition.Summary summary = StudentEdition.export(checkout.repo, out, solvedBefore);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "wrote a student edition to %s: %d files, %d exercises to write (lessons %02d"
                            + " and later), %d solved%n", summary.out(), summary.files(), summary.stubbed().size(),
                    solvedBefore, summary.solved().size());
            List<ExerciseMethod> stubbed = summary.stubbed();
            if (!stubbed.isEmpty()) {
                stdout.printf(Locale.ROOT, "start with lessons/: cd %s && ./mvnw test -Dlesson=%02d%n", out,
                        stubbed.getFirst().lesson());
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Check the course end to end (a few minutes): the full student edition compiles with all"
                    + " tests, and for each lesson N the edition solved before N fails lesson N's tests only with"
                    + " lesson N's stub errors. Exit 1 when a check fails.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--work", defaultValue = "target/course-verify",
                description = "Scratch folder for the edition and the logs (default: ${DEFAULT-VALUE}).")
        Path work;

        @CommandLine.Mixin
        Checkout checkout;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            EditionVerifier.Report report = EditionVerifier.verify(checkout.repo, work, out);
            out.printf(Locale.ROOT, "course verify: %s; the student edition compiled in %.0f s, %d lessons checked,"
                            + " %.1f min in all (logs in %s)%n", report.ok() ? "OK" : "FAILED", report.compileSeconds(),
                    report.lessons().size(), report.seconds() / 60, work);
            if (!report.ok()) {
                throw new IllegalStateException("course verify failed: see the lessons marked FAILED above");
            }
            return Main.EXIT_OK;
        }
    }
}
