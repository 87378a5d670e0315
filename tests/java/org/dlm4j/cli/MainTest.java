package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;
import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.PreparedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void helpAndVersionExitZero() {
        CliResult help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: dlm4j").contains("data").contains("completion");
        assertThat(run("data", "prepare", "--help").out()).contains("--tokenizer").contains("--val-fraction");
        assertThat(run("--version").out()).isEqualTo("dlm4j " + Main.VERSION + "\n");
    }

    @Test
    void usageErrorsPrintOneLineAndExitTwo() {
        assertOneErrorLine(run("--bogus"), 2, "Unknown option: '--bogus'");
        assertOneErrorLine(run(), 2, "missing command");
        assertOneErrorLine(run("data"), 2, "missing subcommand");
        assertOneErrorLine(run("data", "prepare", "x.txt"), 2, "--out");
        assertOneErrorLine(run("data", "prepare", "x.txt", "--out", "o", "--tokenizer", "words"), 2, "--tokenizer");
        assertOneErrorLine(run("data", "prepare", "x.txt", "--out", "o", "--val-fraction", "1.5"), 2, "--val-fraction must be in (0, 1)");
        assertOneErrorLine(run("data", "synth", "--stories", "many"), 2, "'many'");
        assertOneErrorLine(run("data", "prepare", "x.txt", "--out", "o", "--tokenizer", "bpe", "--vocab-size", "10"), 2,
                "BPE vocab size must be at least 258 (256 bytes + end-of-text + mask), got 10");
    }

    @Test
    void aMissingCommandPointsToHelpOnce() {
        CliResult result = run();
        assertOneErrorLine(result, 2, "missing command (see dlm4j --help)");
        assertThat(result.err().split("--help", -1)).hasSize(2);
    }

    @Test
    void aFileSystemErrorThatReachesMainUndescribedStillNamesTheFileAndTheReason() {
        assertThat(Main.message(new NoSuchFileException("/proc/dlm4jx")))
                .isEqualTo("cannot access /proc/dlm4jx: no such file or folder");
        assertThat(Main.message(new UncheckedIOException(new AccessDeniedException("/runs/a/config.json"))))
                .isEqualTo("cannot access /runs/a/config.json: permission denied");
        assertThat(Main.message(new UncheckedIOException(new MalformedInputException(1))))
                .isEqualTo("input is not valid UTF-8");
        // a layer that described its failure keeps its own words
        assertThat(Main.message(new UncheckedIOException("cannot write /o/meta.json: disk full",
                new FileSystemException("/o/.meta.json.1.tmp")))).isEqualTo("cannot write /o/meta.json: disk full");
    }

    @Test
    void runningOutOfMemoryIsOneLineNotAStackTrace() throws Exception {
        // 64 MB cannot hold the reference model's activations for 64 windows of 128 tokens
        ChildProcess child = ChildProcess.start(dir.resolve("child.log"), List.of("-Xmx64m"), "bench", "--preset",
                "reference", "--batch-size", "64", "--reps", "1", "--steps", "1", "--warmup", "0");
        assertThat(child.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertOneErrorLine(new CliResult(child.exitCode(), "", child.output()), 1, "out of memory (Java heap of");
    }

    @Test
    void prepareRoundTripsWithEachTokenizer() throws Exception {
        Path text = Files.writeString(dir.resolve("in.txt"), "First doc.\nstill first.\n\nSecond doc 🦊.\n\nThird.\n\nFourth one.\n");
        for (String tokenizer : new String[] {"bytes", "bpe", "gpt2"}) {
            Path out = dir.resolve("ds-" + tokenizer);
            CliResult result = tokenizer.equals("bpe")
                    ? run("data", "prepare", text.toString(), "--out", out.toString(), "--tokenizer", "bpe", "--vocab-size", "270", "--val-fraction", "0.25")
                    : run("data", "prepare", text.toString(), "--out", out.toString(), "--tokenizer", tokenizer, "--val-fraction", "0.25");
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("(3 documents)").contains("(1 documents)");
            try (var dataset = PreparedDataset.open(out)) {
                int[] train = new int[(int) dataset.train().length()];
                dataset.train().read(0, train);
                int[] val = new int[(int) dataset.val().length()];
                dataset.val().read(0, val);
                assertThat(dataset.tokenizer().decode(train))
                        .isEqualTo("First doc.\nstill first.<|endoftext|>Second doc 🦊.<|endoftext|>Third.<|endoftext|>");
                assertThat(dataset.tokenizer().decode(val)).isEqualTo("Fourth one.<|endoftext|>");
                assertThat(dataset.meta().tokenizer()).isEqualTo(tokenizer);
            }
        }
    }

    @Test
    void prepareFailsCleanlyWithoutPartialOutput() throws Exception {
        Path out = dir.resolve("out");
        assertOneErrorLine(run("data", "prepare", dir.resolve("missing.txt").toString(), "--out", out.toString()), 1,
                "input file " + dir.resolve("missing.txt") + " does not exist");
        Files.createDirectories(dir.resolve("texts"));
        assertOneErrorLine(run("data", "prepare", dir.resolve("texts").toString(), "--out", out.toString()), 1,
                "input file " + dir.resolve("texts") + " is a folder, not a file");
        Files.delete(dir.resolve("texts"));
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        assertOneErrorLine(run("data", "synth", "--stories", "10", "--out", blocker.resolve("sub").toString()), 1,
                "cannot write " + blocker.resolve("sub") + ": " + blocker + " exists and is not a folder");
        Files.delete(blocker);
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[] {'a', '\n', '\n', (byte) 0xC3, '(', '\n'});
        assertOneErrorLine(run("data", "prepare", bad.toString(), "--out", out.toString()), 1, "is not valid UTF-8");
        Path one = Files.writeString(dir.resolve("one.txt"), "just one paragraph\n");
        assertOneErrorLine(run("data", "prepare", one.toString(), "--out", out.toString()), 1, "at least 2 documents");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bad.txt", "one.txt");
        }
    }

    @Test
    void prepareRefusesANonEmptyOutputUnlessForced() throws Exception {
        Path text = Files.writeString(dir.resolve("in.txt"), "a\n\nb\n");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        assertOneErrorLine(run("data", "prepare", text.toString(), "--out", out.toString()), 1, "use --force");
        assertThat(out.resolve("keep.txt")).exists();
        assertThat(run("data", "prepare", text.toString(), "--out", out.toString(), "--force").exitCode()).isZero();
        assertThat(out.resolve("keep.txt")).doesNotExist();
        assertThat(out.resolve("meta.json")).exists();
    }

    @Test
    void synthWritesTheCorpus() {
        Path out = dir.resolve("tiny");
        CliResult result = run("data", "synth", "--seed", "3", "--stories", "40", "--out", out.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("36 train and 4 val stories, 12 in-window and 8 hard multiple-choice items");
        assertThat(MultipleChoice.readJsonl(out.resolve("mc-val.jsonl"))).hasSize(12);
        assertThat(MultipleChoice.readJsonl(out.resolve("mc-hard.jsonl"))).hasSize(8);
        assertOneErrorLine(run("data", "synth", "--seed", "3", "--stories", "40", "--out", out.toString()), 1, "already exists");
    }

    @Test
    void completionPrintsABashScript() {
        CliResult result = run("completion");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("#!/usr/bin/env bash").contains("complete -F").contains("prepare");
    }
}
