package org.dlm4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

import org.dlm4j.data.AtomicOutput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dlm4j} command. Exit codes, one rule for every command (picocli's convention): 0 success;
 * 1 the command line is fine but the work failed (a missing or invalid file, options the data cannot
 * satisfy, an I/O error, a diverged run, out of memory); 2 the command line itself is wrong whatever the
 * files hold (unknown option, missing or malformed value, a value out of range, contradicting options);
 * 130 and 143 after SIGINT and SIGTERM (128 + the signal). Errors print one line on stderr.
 */
@Command(name = "dlm4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train and compare autoregressive and masked-diffusion language models.",
        subcommands = {DataCommand.class, TrainCommand.class, EvalCommand.class, SampleCommand.class,
                FlopsCommand.class, CrossoverCommand.class, BenchCommand.class, CourseCommand.class,
                CompletionCommand.class})
public final class Main implements Runnable {
    public static final String VERSION = "0.1.0";
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** 128 + SIGINT; on a real signal the JVM exits with 128 + the signal's number (130 or 143) itself. */
    public static final int EXIT_INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dlm4j " + VERSION};
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var commandLine = commandLine(out, err);
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands Errors through; by the time it reaches here the failed command's arrays are garbage.
            err.println("dlm4j: error: out of memory (Java heap of " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MB); use a smaller model, batch or context, or a larger heap: JAVA_TOOL_OPTIONS=-Xmx<size>");
            err.flush();
            return EXIT_FAILURE;
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        var commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((e, args) -> {
            err.println("dlm4j: error: " + oneLine(e.getMessage()) + " (see " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            err.println("dlm4j: error: " + oneLine(message(e)));
            err.flush();
            return EXIT_FAILURE;
        });
        return commandLine;
    }

    /**
     * The exception's message. Every layer describes its own I/O failures ("cannot write FILE: reason");
     * a file-system exception that reached here undescribed (its message a bare path) still gets one.
     */
    static String message(Throwable e) {
        IOException undescribed = undescribedIoFailure(e);
        if (undescribed instanceof FileSystemException fs && fs.getFile() != null) {
            return AtomicOutput.failed("access", Path.of(fs.getFile()), fs).getMessage();
        }
        if (undescribed instanceof CharacterCodingException coding) {
            return "input is " + AtomicOutput.reason(coding);
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** An I/O exception that no layer described: thrown as it is, or wrapped without a message of its own. */
    private static IOException undescribedIoFailure(Throwable e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof UncheckedIOException unchecked && unchecked.getMessage().equals(unchecked.getCause().toString())) {
            return unchecked.getCause();
        }
        return null;
    }

    private static String oneLine(String message) {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
