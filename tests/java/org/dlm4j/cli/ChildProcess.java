package org.dlm4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code dlm4j args...} in a child JVM (this JVM's java and class path, the project folder as working
 * directory), for tests that need what an in-process run cannot give: real signals, a small heap, a
 * process that dies. Standard output and error go together to {@code log}.
 */
record ChildProcess(Process process, Path log) {

    /** Starts {@code dlm4j args...} with the extra JVM options {@code jvmOptions} (may be empty). */
    static ChildProcess start(Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildProcess(process, log);
    }

    /** Waits (polling every 5 ms) until {@code condition} holds; false if the child ended or 60 s passed first. */
    boolean awaitWhileAlive(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Sends {@code signal} ("INT", "TERM", "KILL") with kill(1). */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -s " + signal + " " + process.pid() + " failed");
        }
    }

    /** Whether the child ignores {@code signalNumber} (inherited SIG_IGN, e.g. SIGINT in a background job). */
    boolean ignores(int signalNumber) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >> (signalNumber - 1) & 1) == 1;
            }
        }
        return false;
    }

    /** The exit code once the child has ended (it is killed if it has not within 60 s). */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the child did not end within 60 s");
        }
        return process.exitValue();
    }

    /** What the child printed, without the JVM's line about the incubator module. */
    String output() throws IOException {
        return Files.readString(log).lines().filter(line -> !line.startsWith("WARNING: Using incubator modules"))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
