package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.Trainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new training run stopped before its first checkpoint, by real signals sent to a child JVM:
 * SIGTERM and SIGINT stop it after the step in progress and remove what it wrote (exit 143 and 130;
 * SIGINT, the same hook, runs with the slow tests);
 * kill -9 cannot be caught, so a new run takes the folder over instead (and {@code --resume} starts it
 * again, see {@code TrainCommandTest}).
 */
class TrainSignalTest {
    /** A few-thousand-parameter model and a budget it never reaches: the run is always stopped first. */
    private static final String[] MICRO = {"--objective", "ar", "--d-model", "16", "--layers", "1", "--heads", "2",
            "--context", "16", "--mlp-ratio", "2", "--batch-size", "4", "--warmup", "2", "--unique-tokens", "512",
            "--eval-batches", "1", "--threads", "1"};
    private static final String[] ENDLESS = {"--steps", "1000000", "--eval-interval", "1000000",
            "--checkpoint-interval", "1000000"};
    /** The JVM options that start a small run soonest: plain loops, which run fast before the JIT has compiled. */
    private static final List<String> FAST_START = List.of("-Ddlm4j.kernels=reference", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");
    private static final int SIGINT = 2;

    @TempDir
    Path dir;

    private static String[] train(Path out, String[]... options) {
        List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
        for (String[] more : options) {
            args.addAll(List.of(more));
        }
        return args.toArray(String[]::new);
    }

    /** Starts the run into {@code out} and waits until it has logged its first training step. */
    private ChildProcess startedRun(Path out) throws IOException, InterruptedException {
        ChildProcess child = ChildProcess.start(dir.resolve(out.getFileName() + ".log"), FAST_START,
                train(out, MICRO, ENDLESS));
        boolean training = child.awaitWhileAlive(() -> loggedATrainingStep(out));
        assertThat(training).as("the child must be training: " + child.output()).isTrue();
        return child;
    }

    private static boolean loggedATrainingStep(Path out) {
        try {
            return Files.exists(out.resolve(Trainer.METRICS_FILE))
                    && Files.readString(out.resolve(Trainer.METRICS_FILE)).contains("train_loss");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void sigtermStopsANewRunAfterTheStepInProgressAndRemovesWhatItWrote() throws Exception {
        Path out = dir.resolve("termed");
        ChildProcess child = startedRun(out);
        child.signal("TERM");
        assertThat(child.exitCode()).as(child.output()).isEqualTo(143);
        assertThat(child.output()).containsPattern(
                "\ndlm4j: training stopped at step \\d+: interrupted; no checkpoint had been written yet\n$");
        assertThat(out).doesNotExist();
    }

    @Test
    @Tag("slow")
    void sigintDoesTheSameWithExitCode130() throws Exception {
        Path out = dir.resolve("interrupted");
        ChildProcess child = startedRun(out);
        boolean ignored = child.ignores(SIGINT);
        if (ignored) {
            child.signal("KILL");
            child.exitCode();
        }
        assumeFalse(ignored, "SIGINT is ignored where this test runs (a background job), so is the child's");
        child.signal("INT");
        assertThat(child.exitCode()).as(child.output()).isEqualTo(130);
        assertThat(child.output()).contains("dlm4j: training stopped at step ");
        assertThat(out).doesNotExist();
    }

    @Test
    void afterKillMinus9ANewRunTakesTheFolderOver() throws Exception {
        Path killed = dir.resolve("killed");
        ChildProcess child = startedRun(killed);
        child.signal("KILL");
        assertThat(child.exitCode()).isEqualTo(137);
        assertThat(killed.resolve(Trainer.CONFIG_FILE)).exists();
        assertThat(Checkpoint.exists(killed)).isFalse();

        CliResult fresh = run(train(killed, MICRO, new String[] {"--steps", "8"}));
        assertThat(fresh.exitCode()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("taking over " + killed).contains("done: 8 steps");
        assertThat(Checkpoint.load(killed).state().step()).isEqualTo(8);
    }
}
