package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;
import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.dlm4j.experiment.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossoverCommandTest {
    @TempDir
    Path dir;

    /** A micro sweep spec file: T 40, C 16, 1 layer; U {160, 480}, M 480; with {@code edit} applied to its JSON. */
    private Path spec(String name, String from, String to) throws Exception {
        SweepSpec micro = new SweepSpec("micro", "tiny-data/bytes", "tiny-data/mc-val.jsonl", null,
                List.of("ar", "diffusion"), List.of(160L, 480L), 480L,
                List.of(new SweepSpec.ModelSpec("micro", 40, 16, 1, 2, 2, "rope")), List.of(),
                2, 3e-3, 3e-4, 1, 0.1, 1, 1, 2, 2, 2, 1, "paper", List.of(1L));
        return Files.writeString(dir.resolve(name + ".json"), micro.toJson().replace(from, to));
    }

    @Test
    void runsASpecFileAndResumesToNothingToDo() throws Exception {
        Path file = spec("ok", "", "");
        Path out = dir.resolve("out");
        CliResult first = run("crossover", "--preset", file.toString(), "--out", out.toString(), "--jobs", "2");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("[1/4] ar-micro-U480-s1", "wrote " + out.resolve("report.md"),
                "(2 job(s), 1 thread(s) each)");
        assertThat(out.resolve("results.csv")).exists();
        CliResult again = run("crossover", "--preset", file.toString(), "--out", out.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("[4/4] diffusion-micro-U160-s1: finished earlier, skipped");

        // docs: the tables and the plot go between the markers; the rest of the document stays as it was
        Path doc = Files.writeString(dir.resolve("doc.md"), "# Title\n\nbefore\n\n<!-- crossover-results:begin -->\n"
                + "STALE TABLE\n<!-- crossover-results:end -->\n\nafter\n");
        Path image = dir.resolve("img").resolve("plot.png");
        CliResult docs = run("crossover", "docs", "--sweep", out.toString(), "--doc", doc.toString(), "--image",
                image.toString());
        assertThat(docs.exitCode()).as(docs.err()).isZero();
        String text = Files.readString(doc);
        assertThat(text).startsWith("# Title\n\nbefore\n\n<!-- crossover-results:begin generated from")
                .contains("![crossover](img/plot.png)", "#### Validation NLL, like for like", "| 160 (3 ep) |")
                .endsWith("<!-- crossover-results:end -->\n\nafter\n").doesNotContain("STALE TABLE");
        assertThat(image).exists();
    }

    @Test
    void docsRefusesAnUnfinishedSweepOrADocumentWithoutMarkers() throws Exception {
        Path out = dir.resolve("half");
        assertThat(run("crossover", "--preset", spec("h", "", "").toString(), "--out", out.toString(), "--max-runs", "1",
                "--jobs", "1").exitCode()).isZero();
        Path doc = Files.writeString(dir.resolve("doc.md"), "no markers\n");
        assertOneErrorLine(run("crossover", "docs", "--sweep", out.toString(), "--doc", doc.toString()), 1,
                "is not finished: 1 of 4 runs");
        assertOneErrorLine(run("crossover", "docs", "--sweep", dir.toString(), "--doc", doc.toString()), 1,
                "holds no sweep.json");
        assertOneErrorLine(run("crossover", "docs", "--sweep", dir.resolve("missing").toString()), 1, "does not exist");
        assertThat(Files.readString(doc)).isEqualTo("no markers\n");
    }

    @Test
    void printSpecShowsTheFields() {
        CliResult result = run("crossover", "--preset", "tiny", "--print-spec", "--seeds", "7,8");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"total_tokens\" : 10485760", "\"seeds\" : [ 7, 8 ]");
    }

    @Test
    void badInputsAreOneLineErrors() throws Exception {
        String out = dir.resolve("o").toString();
        assertOneErrorLine(run("crossover", "--preset", "huge", "--out", out), 1, "unknown preset 'huge'");
        assertOneErrorLine(run("crossover", "--preset", spec("empty", "\"unique_tokens\" : [ 160, 480 ]",
                "\"unique_tokens\" : [ ]").toString(), "--out", out), 1, "empty grid: unique_tokens has no values");
        assertOneErrorLine(run("crossover", "--preset", spec("big", "160, 480", "160, 600000").toString(), "--out", out),
                1, "total tokens M=480 is less than unique tokens U=600000");
        assertOneErrorLine(run("crossover", "--preset", spec("huge", "480", "1920000").toString(), "--out", out),
                1, "unique tokens U=1920000 exceed the 1088717 tokens");
        assertThat(Path.of(out)).doesNotExist();
        assertOneErrorLine(run("crossover", "--preset", dir.resolve("missing.json").toString(), "--out", out), 1,
                "does not exist");
        assertOneErrorLine(run("crossover", "--preset", "tiny"), 2, "--out");
        assertOneErrorLine(run("crossover", "--preset", "tiny", "--out", out, "--threads", "0"), 2, "--threads");
        assertOneErrorLine(run("crossover", "--preset", "tiny", "--out", out, "--threads", "5000"), 2,
                "--threads must be between 1 and the " + Runtime.getRuntime().availableProcessors() + " processors");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertOneErrorLine(run("crossover", "--preset", spec("ok", "", "").toString(), "--out",
                file.resolve("sub").toString()), 1, "cannot create the output folder " + file.resolve("sub")
                + ": Not a directory");
        assertOneErrorLine(run("crossover", "--preset", "tiny", "--out", out, "--jobs", "0"), 2, "--jobs");
        assertOneErrorLine(run("crossover", "--out", out), 2, "--preset");

        Path held = dir.resolve("held");
        CliResult first = run("crossover", "--preset", spec("a", "", "").toString(), "--out", held.toString(),
                "--max-runs", "1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("stopped; run the same command again to continue");
        String manifest = Files.readString(held.resolve("sweep.json"));
        assertOneErrorLine(run("crossover", "--preset", spec("b", "\"warmup_steps\" : 1", "\"warmup_steps\" : 2")
                .toString(), "--out", held.toString()), 1, "holds a different sweep (warmup_steps: recorded 1, requested 2)");
        assertThat(Files.readString(held.resolve("sweep.json"))).isEqualTo(manifest);
    }
}
