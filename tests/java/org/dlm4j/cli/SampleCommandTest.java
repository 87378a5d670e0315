package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;
import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples from real checkpoints: one AR and one diffusion run of one step on tiny-data/bytes. */
class SampleCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void trainTwoTinyRuns() {
        for (String objective : new String[] {"ar", "diffusion"}) {
            CliResult trained = run("train", "--objective", objective, "--preset", "tiny", "--context", "64", "--steps", "2", "--warmup", "1",
                    "--batch-size", "2", "--eval-batches", "1", "--out", dir.resolve(objective).toString(),
                    "--data", "tiny-data/bytes");
            assertThat(trained.exitCode()).as(trained.err()).isZero();
        }
    }

    private static String ar() {
        return dir.resolve("ar").toString();
    }

    private static String diffusion() {
        return dir.resolve("diffusion").toString();
    }

    @Test
    void arSamplingIsSeededAndTheCacheChangesNothing() {
        CliResult first = run("sample", "--checkpoint", ar(), "--prompt", "Once", "--length", "20", "--seed", "7");
        CliResult again = run("sample", "--checkpoint", ar() + "/checkpoint", "--prompt", "Once", "--length", "20",
                "--seed", "7");
        CliResult uncached = run("sample", "--checkpoint", ar(), "--prompt", "Once", "--length", "20", "--seed", "7",
                "--no-cache");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("Once").isEqualTo(again.out()).isEqualTo(uncached.out());
        CliResult greedy = run("sample", "--checkpoint", ar(), "--length", "10", "--temperature", "0", "--top-k", "5");
        assertThat(greedy.exitCode()).as(greedy.err()).isZero();
    }

    @Test
    void diffusionSamplingFillsPromptContinuationsAndInfills() {
        CliResult first = run("sample", "--checkpoint", diffusion(), "--prompt", "The", "--length", "12", "--steps", "4",
                "--remasking", "random", "--temperature", "1", "--seed", "3");
        CliResult again = run("sample", "--checkpoint", diffusion(), "--prompt", "The", "--length", "12", "--steps", "4",
                "--remasking", "random", "--temperature", "1", "--seed", "3");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("The").isEqualTo(again.out()).doesNotContain("<|mask|>");

        CliResult infill = run("sample", "--checkpoint", diffusion(), "--infill", "The cat [MASK:5] the mat",
                "--block-length", "2", "--show-steps");
        assertThat(infill.exitCode()).as(infill.err()).isZero();
        String[] lines = infill.out().split("\n");
        assertThat(lines).hasSize(6);
        assertThat(lines[0]).startsWith("step 1: The cat ").contains("<|mask|>");
        assertThat(lines[5]).startsWith("The cat ").endsWith(" the mat").doesNotContain("<|mask|>");
    }

    @Test
    void anArModelGeneratesPastItsContextBySlidingTheWindow() {
        CliResult result = run("sample", "--checkpoint", ar(), "--prompt", "abc", "--length", "100", "--temperature",
                "0");
        assertThat(result.exitCode()).as(result.err()).isZero();
        // greedy over bytes: every generated token decodes to at least one char, the prompt is kept
        assertThat(result.out()).startsWith("abc");
        assertThat(result.out().strip().length()).isGreaterThan(64);
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertOneErrorLine(run("sample", "--checkpoint", diffusion(), "--length", "5", "--steps", "6"),
                "steps 6 exceed the 5 positions");
        assertOneErrorLine(run("sample", "--checkpoint", diffusion(), "--infill", "no mask here"),
                "no [MASK:N] span");
        assertOneErrorLine(run("sample", "--checkpoint", ar(), "--prompt", "x".repeat(65)),
                "exceeds the model's context of 64");
        assertOneErrorLine(run("sample", "--checkpoint", diffusion(), "--prompt", "abc", "--length", "62"),
                "exceeds the model's context of 64");
        assertOneErrorLine(run("sample", "--checkpoint", ar(), "--length", "0"), "--length must be positive");
        assertOneErrorLine(run("sample", "--checkpoint", ar(), "--steps", "-1"), "--steps must be positive");
        assertOneErrorLine(run("sample", "--checkpoint", ar(), "--top-p", "0"), "top-p");
        assertOneErrorLine(run("sample", "--checkpoint", diffusion(), "--remasking", "sometimes"),
                "unknown remasking 'sometimes'");
        assertOneErrorLine(run("sample", "--checkpoint", ar(), "--infill", "a [MASK:2] b"), "needs a diffusion model");
        assertOneErrorLine(run("sample", "--checkpoint", dir.resolve("missing").toString()), "does not exist");
    }

    @Test
    void optionsOfTheOtherSamplerAreRefusedNotIgnored() {
        for (String[] option : new String[][] {{"--steps", "4"}, {"--remasking", "random"}, {"--block-length", "4"},
                {"--show-steps"}}) {
            var args = new ArrayList<>(List.of("sample", "--checkpoint", ar(), "--length", "4"));
            args.addAll(List.of(option));
            CliResult result = run(args.toArray(String[]::new));
            assertOneErrorLine(result, option[0] + " needs a diffusion model; this checkpoint is autoregressive");
            assertThat(result.exitCode()).isEqualTo(Main.EXIT_USAGE);
        }
        assertOneErrorLine(run("sample", "--checkpoint", diffusion(), "--length", "4", "--no-cache"),
                "--no-cache needs an autoregressive model; this checkpoint is diffusion");
        assertOneErrorLine(run("sample", "--checkpoint", dir.toString()), "no checkpoint in " + dir);
    }

}
