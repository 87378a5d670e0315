package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dlm4j.train.TrainTestSupport.TINY_DATA;
import static org.dlm4j.train.TrainTestSupport.column;
import static org.dlm4j.train.TrainTestSupport.micro;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.PreparedDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static PreparedDataset data;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        data = PreparedDataset.open(TINY_DATA);
    }

    @AfterAll
    static void close() {
        data.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ar", "diffusion"})
    void resumedRunRepeatsTheUninterruptedLossesBitForBit(String objective) throws IOException {
        Path straight = dir.resolve("straight");
        Trainer.create(micro(objective), data, straight, Progress.silent()).run();

        Path interrupted = dir.resolve("interrupted");
        Trainer first = Trainer.create(micro(objective), data, interrupted, Progress.silent());
        first.runUntil(5); // checkpoint at step 3; steps 4 and 5 are logged, then lost
        assertThat(column(interrupted.resolve(Trainer.METRICS_FILE), "train_loss")).hasSize(5);
        Trainer resumed = Trainer.resume(null, data, interrupted, Progress.silent());
        assertThat(resumed.step()).isEqualTo(3);
        resumed.run();

        List<Double> expected = column(straight.resolve(Trainer.METRICS_FILE), "train_loss");
        assertThat(expected).hasSize(8).allMatch(Double::isFinite);
        assertThat(column(interrupted.resolve(Trainer.METRICS_FILE), "train_loss")).containsExactlyElementsOf(expected);
        assertThat(column(interrupted.resolve(Trainer.METRICS_FILE), "val_loss"))
                .containsExactlyElementsOf(column(straight.resolve(Trainer.METRICS_FILE), "val_loss"));
        assertThat(Safetensors.read(Checkpoint.folder(interrupted).resolve(Checkpoint.MODEL_FILE)).tensors())
                .isEqualTo(Safetensors.read(Checkpoint.folder(straight).resolve(Checkpoint.MODEL_FILE)).tensors());
    }

    @Test
    void metricsHaveTheDocumentedFieldsAndValidationPoints() throws IOException {
        Trainer.Summary summary = Trainer.create(micro("ar"), data, dir, Progress.silent()).run();
        List<Map<String, Object>> records = MetricsLog.read(dir.resolve(Trainer.METRICS_FILE));
        assertThat(records.get(0)).containsOnlyKeys("step", "tokens", "val_loss").containsEntry("step", 0);
        assertThat(records.get(1)).containsOnlyKeys("step", "tokens", "epoch", "train_loss", "lr", "tokens_per_s")
                .containsEntry("step", 1).containsEntry("tokens", 64);
        assertThat(column(dir.resolve(Trainer.METRICS_FILE), "val_loss")).hasSize(3); // steps 0, 4, 8
        assertThat(((Number) records.get(1).get("lr")).doubleValue()).isEqualTo(3e-3 / 2); // warmup 1 of 2
        assertThat(records.getLast()).containsEntry("step", 8);
        // the first validation of an untrained model is near ln(V) = ln 258 = 5.55
        assertThat((Double) records.get(0).get("val_loss")).isBetween(5.3, 5.8);
        assertThat(summary.step()).isEqualTo(8);
        assertThat(summary.tokens()).isEqualTo(8 * 4 * 16);
        assertThat(TrainConfigJson.fromTree(TrainConfigJson.JSON.readTree(dir.resolve(Trainer.CONFIG_FILE).toFile()),
                "config.json")).isEqualTo(micro("ar").forData(258, 257, 1_088_717, true));
    }

    @Test
    void trainingLowersTheValidationLoss() throws IOException {
        TrainConfig longer = TrainConfigJson.merge(micro("ar"), TrainConfigJson.JSON.readTree(
                "{\"steps\": 60, \"eval_interval\": 60, \"unique_tokens\": 0, \"lr\": 0.01}"), "test");
        Trainer.Summary summary = Trainer.create(longer, data, dir, Progress.silent()).run();
        List<Double> val = column(dir.resolve(Trainer.METRICS_FILE), "val_loss");
        assertThat(val.getFirst()).isGreaterThan(5.0);
        assertThat(val.getLast()).isLessThan(3.0); // below the unigram entropy of tiny-data (about 2.97 nats)
        assertThat(summary.valLoss()).isEqualTo(val.getLast());
    }

    @Test
    void resumeRefusesAnotherConfigOrCorruptFiles() throws IOException {
        Trainer.create(micro("ar"), data, dir, Progress.silent()).runUntil(3);
        assertThatThrownBy(() -> Trainer.resume(micro("diffusion"), data, dir, Progress.silent()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different config (objective: checkpoint \"ar\", this run \"diffusion\")");
        TrainConfig otherLr = TrainConfigJson.merge(micro("ar"), TrainConfigJson.JSON.readTree("{\"lr\": 0.1}"), "t");
        assertThatThrownBy(() -> Trainer.resume(otherLr, data, dir, Progress.silent()))
                .hasMessageContaining("lr: checkpoint 0.003, this run 0.1");

        Path model = Checkpoint.folder(dir).resolve(Checkpoint.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> Trainer.resume(micro("ar"), data, dir, Progress.silent()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad safetensors file").hasMessageContaining("model.safetensors");
        Files.writeString(Checkpoint.folder(dir).resolve(Checkpoint.STATE_FILE), "{\"format_version\": 1, \"step\": ");
        assertThatThrownBy(() -> Trainer.resume(micro("ar"), data, dir, Progress.silent()))
                .hasMessageContaining("state.json is not valid JSON");
    }

    @Test
    void newRunRefusesANonEmptyFolderAndLeavesNoFilesOnBadInput() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Trainer.create(micro("ar"), data, dir, Progress.silent()))
                .hasMessageContaining("is not empty");
        Path fresh = dir.resolve("fresh");
        TrainConfig tooMuch = TrainConfigJson.merge(micro("ar"),
                TrainConfigJson.JSON.readTree("{\"unique_tokens\": 100000000, \"steps\": 100000000}"), "t");
        assertThatThrownBy(() -> Trainer.create(tooMuch, data, fresh, Progress.silent()))
                .hasMessageContaining("exceed the 1088717 tokens");
        TrainConfig tooLittle = TrainConfigJson.merge(micro("ar"), TrainConfigJson.JSON.readTree("{\"unique_tokens\": 5000}"), "t");
        assertThatThrownBy(() -> Trainer.create(tooLittle, data, fresh, Progress.silent()))
                .hasMessageContaining("total tokens M=512 (8 steps x 4 x 16) is less than unique tokens U=5000");
        assertThat(fresh).doesNotExist();
    }

    @Test
    void aDivergingRunLogsTheDivergedStepAndKeepsTheLastGoodCheckpoint() throws IOException {
        Trainer trainer = Trainer.create(micro("ar"), data, dir, Progress.silent());
        trainer.runUntil(3); // checkpoint at step 3
        trainer.model().namedParameters().get("head.weight").data()[0] = Float.NaN; // as if the weights blew up
        assertThatThrownBy(trainer::run).isInstanceOf(TrainingDivergedException.class)
                .hasMessage("training stopped at step 4: the training loss is NaN; kept the last good checkpoint"
                        + " (step 3) in " + Checkpoint.folder(dir));
        Map<String, Object> last = MetricsLog.read(dir.resolve(Trainer.METRICS_FILE)).getLast();
        assertThat(last).containsEntry("step", 4).containsEntry("diverged", "the training loss is NaN");
        assertThat((Double) last.get("train_loss")).isNaN();
        assertThat(Checkpoint.load(dir).state().step()).isEqualTo(3);
    }

    @Test
    void weightsThatNoLongerEvaluateAreNeverSavedAsACheckpoint() throws IOException {
        // after one step at lr 1e30 the weights are about 1e30: finite, but every loss they give is NaN
        TrainConfig explosive = TrainConfigJson.merge(micro("ar"), TrainConfigJson.JSON.readTree(
                "{\"lr\": 1e30, \"min_lr\": 1e30, \"warmup_steps\": 0, \"grad_clip\": 0, \"checkpoint_interval\": 1}"),
                "t");
        Path out = dir.resolve("run");
        Trainer trainer = Trainer.create(explosive, data, out, Progress.silent());
        assertThatThrownBy(trainer::run).isInstanceOf(TrainingDivergedException.class)
                .hasMessage("training stopped at step 1: the weights give a validation loss of NaN, so they were not"
                        + " saved; no checkpoint had been written yet");
        assertThat(out).doesNotExist();
    }

    @Test
    void aNewRunTakesOverAFolderLeftByARunThatStoppedBeforeItsFirstCheckpoint() throws IOException {
        // what kill -9 leaves before the first checkpoint: the config, some metrics, a half-written checkpoint
        Files.writeString(dir.resolve(Trainer.CONFIG_FILE), "{}");
        Files.writeString(dir.resolve(Trainer.METRICS_FILE), "{\"step\":0,\"tokens\":0,\"val_loss\":5.5}\n{\"st");
        Files.createDirectories(dir.resolve("checkpoint.tmp"));
        Files.writeString(dir.resolve("checkpoint.tmp/model.safetensors"), "half");
        Files.writeString(dir.resolve(".config.json.123.tmp"), "{");
        Trainer.create(micro("ar"), data, dir, Progress.silent()).run();
        assertThat(Checkpoint.load(dir).state().step()).isEqualTo(8);
        assertThat(column(dir.resolve(Trainer.METRICS_FILE), "train_loss")).hasSize(8);

        // anything else in the folder (here a checkpoint, or a file of the user's) is never taken over
        assertThatThrownBy(() -> Trainer.create(micro("ar"), data, dir, Progress.silent()))
                .hasMessageContaining("is not empty");
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.writeString(mixed.resolve(Trainer.CONFIG_FILE), "{}");
        Files.writeString(mixed.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Trainer.create(micro("ar"), data, mixed, Progress.silent()))
                .hasMessageContaining("is not empty");
        assertThat(mixed.resolve(Trainer.CONFIG_FILE)).hasContent("{}");
    }

    @Test
    void aStopRequestEndsTheRunAtAStepBoundaryAndANewRunStoppedEarlyLeavesNoFolder() throws IOException {
        Path early = dir.resolve("early");
        Trainer fresh = Trainer.create(micro("ar"), data, early, Progress.silent());
        fresh.requestStop();
        assertThatThrownBy(fresh::run).isInstanceOf(TrainingStoppedException.class)
                .hasMessage("training stopped at step 0: interrupted; no checkpoint had been written yet");
        assertThat(early).doesNotExist();

        Path later = dir.resolve("later");
        Trainer trainer = Trainer.create(micro("ar"), data, later, Progress.silent());
        trainer.runUntil(4); // checkpoint at step 3, step 4 logged
        trainer.requestStop();
        assertThatThrownBy(trainer::run).isInstanceOf(TrainingStoppedException.class)
                .hasMessage("training stopped at step 4: interrupted; kept the last good checkpoint (step 3) in "
                        + Checkpoint.folder(later));
        assertThat(Checkpoint.load(later).state().step()).isEqualTo(3);
        assertThat(Trainer.resume(null, data, later, Progress.silent()).run().step()).isEqualTo(8);
    }

    /** A file system of {@code bytes} bytes (in 512-byte blocks), a real "disk" that fills up. */
    private static FileSystem diskOf(long bytes) {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder().setBlockSize(512).setMaxSize(bytes).build());
    }

    @Test
    void aFullDiskBeforeTheFirstCheckpointNamesTheFileAndRemovesWhatTheRunWrote() throws IOException {
        try (FileSystem disk = diskOf(16 * 1024)) { // room for config.json and metrics, not for a checkpoint
            Path out = disk.getPath("/run");
            Trainer trainer = Trainer.create(micro("ar"), data, out, Progress.silent());
            assertThatThrownBy(trainer::run).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("training stopped at step 3: cannot write /run/checkpoint.tmp/")
                    .hasMessageEndingWith(": out of disk space; no checkpoint had been written yet");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aDiskTooFullForTheConfigLeavesNoFolder() throws IOException {
        try (FileSystem disk = diskOf(512)) {
            Path out = disk.getPath("/run");
            assertThatThrownBy(() -> Trainer.create(micro("ar"), data, out, Progress.silent()))
                    .isInstanceOf(IOException.class).hasMessage("cannot write /run/config.json: out of disk space");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aFullDiskAtALaterCheckpointKeepsTheEarlierOneAndSaysWhichStep() throws IOException {
        long used;
        try (FileSystem roomy = diskOf(1 << 24)) {
            Trainer.create(micro("ar"), data, roomy.getPath("/run"), Progress.silent()).runUntil(3);
            used = sizeOf(roomy.getPath("/run"));
        }
        try (FileSystem disk = diskOf(used + used / 2)) { // a second checkpoint beside the first does not fit
            Path out = disk.getPath("/run");
            Trainer trainer = Trainer.create(micro("ar"), data, out, Progress.silent());
            assertThatThrownBy(trainer::run).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("training stopped at step 6: cannot write /run/checkpoint.tmp/")
                    .hasMessageEndingWith(": out of disk space; kept the last good checkpoint (step 3) in /run/checkpoint");
            assertThat(out.resolve("checkpoint.tmp")).doesNotExist();
            assertThat(Checkpoint.load(out).state().step()).isEqualTo(3);
        }
    }

    private static long sizeOf(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }
}
