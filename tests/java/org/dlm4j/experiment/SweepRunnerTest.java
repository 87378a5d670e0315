package org.dlm4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepRunnerTest {

    @TempDir
    Path dir;

    private static SweepRunner runner(SweepSpec spec, Path out) {
        return new SweepRunner(spec, out, new PrintWriter(new StringWriter()));
    }

    @Test
    void microSweepWritesResultsPlotsAndReport() throws Exception {
        Path out = dir.resolve("sweep");
        SweepRunner.Outcome outcome = runner(SweepTestSupport.micro(), out).run(SweepRunner.StopRule.NEVER);

        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.trained()).isEqualTo(4);
        List<Map<String, Object>> rows = MetricsLog.read(out.resolve(ResultsTable.JSONL_FILE));
        assertThat(rows).hasSize(4 * 3); // 4 runs x (step 0 + 2 points)
        for (Map<String, Object> row : rows) {
            assertThat(row.keySet()).containsExactly(EvalPoint.COLUMNS);
            assertThat(row.get("regularizer")).isNull();
            assertThat(row.get("objective")).isIn("ar", "diffusion");
            assertThat(number(row, "mc_accuracy")).isBetween(0.0, 1.0);
            assertThat(number(row, "mc_hard_accuracy")).isBetween(0.0, 1.0);
            assertThat(number(row, "val_loss")).isBetween(0.5, 8.0);
            assertThat(number(row, "val_nll")).isBetween(0.5, 8.0);
            assertThat(number(row, "val_nll_se")).isPositive();
            assertThat(number(row, "mc_accuracy_se")).isNotNegative(); // 0 when every item has the same outcome
            assertThat(Double.isFinite(number(row, "delta_nll"))).isTrue();
            if (row.get("objective").equals("ar")) {
                assertThat(row.get("val_bound")).isNull();
            } else {
                assertThat(number(row, "val_bound")).isBetween(0.5, 8.0);
            }
            if (row.get("step").equals(0)) {
                assertThat(number(row, "delta_nll_gain")).isZero();
            }
        }
        Map<String, Object> last = rows.getLast();
        assertThat(last).containsEntry("step", 6).containsEntry("tokens", 480).containsEntry("seed", 5)
                .containsEntry("model", "micro");
        assertThat(rows).filteredOn(r -> r.get("unique_tokens").equals(160))
                .allSatisfy(r -> assertThat(number(r, "epochs")).isEqualTo(3.0));

        List<String> csv = Files.readAllLines(out.resolve(ResultsTable.CSV_FILE));
        assertThat(csv.getFirst()).isEqualTo(String.join(",", EvalPoint.COLUMNS));
        assertThat(csv).hasSize(1 + 12);
        assertThat(csv.get(1)).startsWith("ar-micro-U480-s5,ar,480,1.0,micro,,5,0,0,");

        for (String png : List.of(SweepPlots.CURVES, SweepPlots.CROSSOVER, SweepPlots.OVERFITTING)) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(SweepPlots.WIDTH);
            assertThat(image.getHeight()).isEqualTo(SweepPlots.HEIGHT);
        }
        String report = Files.readString(out.resolve(SweepReport.FILE));
        assertThat(report).contains("# Crossover sweep `micro`", "## Validation NLL, like for like",
                "| U (epochs) | ar | diffusion | diffusion - ar | seeds |", "| 160 (3 ep) |",
                "## The diffusion bound beside its exact NLL", "## Multiple choice", "most recently mentioned",
                "Hard tier", "| diffusion-micro-U160-s5 |",
                "![crossover](crossover.png)", "![curves](curves.png)", "![overfitting](overfitting.png)");
        assertThat(Files.readString(out.resolve(SweepManifest.FILE))).isEqualTo(SweepTestSupport.micro().toJson());
    }

    @Test
    void twoJobsGiveExactlyTheNumbersOfOne() throws Exception {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        runner(SweepTestSupport.micro(), one).run(SweepRunner.StopRule.NEVER);
        SweepRunner.Outcome outcome = new SweepRunner(SweepTestSupport.micro(), two, new PrintWriter(new StringWriter()), 2)
                .run(SweepRunner.StopRule.NEVER);
        assertThat(outcome.trained()).isEqualTo(4);
        assertThat(Files.readString(two.resolve(ResultsTable.JSONL_FILE)))
                .isEqualTo(Files.readString(one.resolve(ResultsTable.JSONL_FILE)));
    }

    private static double number(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    @Test
    void interruptedSweepResumesWithoutRecomputingAndMatchesAnUninterruptedOne() throws Exception {
        SweepSpec spec = SweepTestSupport.micro();
        Path straight = dir.resolve("straight");
        runner(spec, straight).run(SweepRunner.StopRule.NEVER);

        Path resumed = dir.resolve("resumed");
        List<GridRun> runs = spec.runs();
        GridRun second = runs.get(1);
        SweepRunner.Outcome first = runner(spec, resumed).run((run, step, finished) -> run.equals(second) && step == 3);
        assertThat(first.complete()).isFalse();
        assertThat(first.trained()).isEqualTo(2);
        Path finishedRun = resumed.resolve("runs").resolve(runs.getFirst().name());
        Path partialRun = resumed.resolve("runs").resolve(second.name());
        assertThat(finishedRun.resolve(SweepRunner.DONE_FILE)).exists();
        assertThat(partialRun.resolve(SweepRunner.DONE_FILE)).doesNotExist();
        assertThat(Checkpoint.exists(partialRun)).isTrue();
        assertThat(MetricsLog.read(partialRun.resolve(SweepRunner.EVALS_FILE))).hasSize(2);
        assertThat(resumed.resolve(SweepReport.FILE)).doesNotExist();

        Path evals = finishedRun.resolve(SweepRunner.EVALS_FILE);
        String evalsBefore = Files.readString(evals);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        for (Path file : List.of(evals, finishedRun.resolve("metrics.jsonl"), finishedRun.resolve(SweepRunner.DONE_FILE))) {
            Files.setLastModifiedTime(file, old);
        }

        SweepRunner.Outcome rest = runner(spec, resumed).run(SweepRunner.StopRule.NEVER);
        assertThat(rest.complete()).isTrue();
        assertThat(rest.skipped()).isEqualTo(1);
        assertThat(rest.trained()).isEqualTo(3);
        for (Path file : List.of(evals, finishedRun.resolve("metrics.jsonl"), finishedRun.resolve(SweepRunner.DONE_FILE))) {
            assertThat(Files.getLastModifiedTime(file)).as(file.toString()).isEqualTo(old);
        }
        assertThat(Files.readString(evals)).isEqualTo(evalsBefore);
        assertThat(Files.readString(resumed.resolve(ResultsTable.JSONL_FILE)))
                .isEqualTo(Files.readString(straight.resolve(ResultsTable.JSONL_FILE)));
        assertThat(Files.readString(resumed.resolve(ResultsTable.CSV_FILE)))
                .isEqualTo(Files.readString(straight.resolve(ResultsTable.CSV_FILE)));
        // the resumed run's own metrics equal the uninterrupted run's line for line (tokens/s aside)
        assertThat(MetricsLog.read(partialRun.resolve("metrics.jsonl")).stream().map(m -> m.get("train_loss")).toList())
                .isEqualTo(MetricsLog.read(straight.resolve("runs").resolve(second.name()).resolve("metrics.jsonl"))
                        .stream().map(m -> m.get("train_loss")).toList());
    }

    @Test
    void aFolderHoldingAnotherSweepIsRefusedAndUntouched() throws Exception {
        Path out = dir.resolve("sweep");
        SweepSpec spec = SweepTestSupport.micro();
        runner(spec, out).run((run, step, finished) -> true);
        String manifest = Files.readString(out.resolve(SweepManifest.FILE));
        SweepSpec other = SweepSpec.fromJson(spec.toJson().replace("\"lr\" : 0.003", "\"lr\" : 0.001"), "other");
        assertThatThrownBy(() -> runner(other, out).run(SweepRunner.StopRule.NEVER))
                .hasMessageContaining("holds a different sweep (lr: recorded 0.003, requested 0.001)");
        assertThat(Files.readString(out.resolve(SweepManifest.FILE))).isEqualTo(manifest);

        Path stranger = Files.createDirectories(dir.resolve("stranger"));
        Files.writeString(stranger.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> runner(spec, stranger).run(SweepRunner.StopRule.NEVER))
                .hasMessageContaining("is not empty and holds no sweep.json");
        assertThat(Files.list(stranger).toList()).hasSize(1);
    }

    @Test
    void uniqueTokensBeyondTheDataAreRefusedBeforeWriting() {
        SweepSpec spec = SweepSpec.fromJson(SweepTestSupport.micro().toJson().replace("480", "1920000"), "big");
        Path out = dir.resolve("big");
        assertThatThrownBy(() -> runner(spec, out).run(SweepRunner.StopRule.NEVER))
                .hasMessageContaining("unique tokens U=1920000 exceed the 997487 tokens of");
        assertThat(out).doesNotExist();
    }

    @Test
    void extraSeedsJoinTheManifest() throws Exception {
        Path out = dir.resolve("seeds");
        SweepSpec spec = SweepTestSupport.micro();
        runner(spec, out).run((run, step, finished) -> true);
        SweepSpec recorded = SweepManifest.claim(out, spec.withSeeds(List.of(6L)));
        assertThat(recorded.seeds()).containsExactly(5L, 6L);
        assertThat(SweepSpec.read(out.resolve(SweepManifest.FILE)).seeds()).containsExactly(5L, 6L);
    }

    @Test
    void aSeedClaimedByAnotherProcessMeanwhileKeepsTheReportWaiting() throws Exception {
        Path out = dir.resolve("parallel");
        SweepSpec spec = SweepTestSupport.micro();
        // While seed 5 trains, a second process claims seed 6 (as `--seeds 6` started in parallel would).
        SweepRunner.Outcome outcome = runner(spec, out).run((run, step, finished) -> {
            try {
                SweepManifest.claim(out, spec.withSeeds(List.of(6L)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return false;
        });
        assertThat(outcome.trained()).isEqualTo(4);
        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.spec().seeds()).containsExactly(5L, 6L);
        assertThat(out.resolve(SweepReport.FILE)).doesNotExist();
    }
}
