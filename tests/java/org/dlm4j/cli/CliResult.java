package org.dlm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the dlm4j command line: its exit code and what it printed on each stream. */
record CliResult(int exitCode, String out, String err) {

    /** Runs {@code dlm4j args...} in this JVM through {@link Main#run}. */
    static CliResult run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliResult(code, out.toString(), err.toString());
    }

    /** The run failed (any non-zero exit) with one line {@code dlm4j: error: ...} naming {@code fragment}. */
    static void assertOneErrorLine(CliResult result, String fragment) {
        assertThat(result.exitCode()).as(result.err()).isNotZero();
        assertErrorIsOneLine(result, fragment);
    }

    /** The run exited with {@code exitCode} and one line {@code dlm4j: error: ...} naming {@code fragment}. */
    static void assertOneErrorLine(CliResult result, int exitCode, String fragment) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        assertErrorIsOneLine(result, fragment);
    }

    private static void assertErrorIsOneLine(CliResult result, String fragment) {
        assertThat(result.err()).startsWith("dlm4j: error: ").contains(fragment).endsWith("\n");
        assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
