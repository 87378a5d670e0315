package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dlm4j.train.TrainTestSupport.TINY_DATA;
import static org.dlm4j.train.TrainTestSupport.micro;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dlm4j.data.PreparedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void holdsWeightsByNameOptimizerStateAndRunState() throws Exception {
        try (PreparedDataset data = PreparedDataset.open(TINY_DATA)) {
            Trainer trainer = Trainer.create(micro("ar"), data, dir, Progress.silent());
            trainer.runUntil(3);
            Checkpoint.Loaded loaded = Checkpoint.load(dir);
            assertThat(loaded.weights().keySet()).containsExactlyInAnyOrderElementsOf(
                    trainer.model().namedParameters().keySet());
            assertThat(loaded.weights()).containsKeys("token_embedding.weight", "blocks.0.attn.qkv.weight", "head.weight");
            assertThat(loaded.weights().get("token_embedding.weight").data())
                    .containsExactly(trainer.model().namedParameters().get("token_embedding.weight").data());
            assertThat(loaded.optimizer()).containsKeys("m.head.weight", "v.head.weight")
                    .hasSize(2 * trainer.model().namedParameters().size());
            assertThat(loaded.state().step()).isEqualTo(3);
            assertThat(loaded.state().tokens()).isEqualTo(3 * 4 * 16);
            assertThat(loaded.state().sampler().step()).isEqualTo(3);
            assertThat(loaded.state().config()).isEqualTo(trainer.config());
            assertThat(Files.readString(dir.resolve("checkpoint/state.json"))).contains("\"format_version\" : 1");
        }
    }

    @Test
    void anInterruptedSwapFallsBackToTheCompleteOldFolderAndIgnoresTheTemporaryOne() throws Exception {
        try (PreparedDataset data = PreparedDataset.open(TINY_DATA)) {
            Trainer.create(micro("ar"), data, dir, Progress.silent()).runUntil(3);
        }
        // as if the process died after "checkpoint -> checkpoint.old" and before "checkpoint.tmp -> checkpoint"
        Files.move(dir.resolve("checkpoint"), dir.resolve("checkpoint.old"));
        Files.createDirectories(dir.resolve("checkpoint.tmp"));
        Files.writeString(dir.resolve("checkpoint.tmp/state.json"), "{\"format_");
        assertThat(Checkpoint.exists(dir)).isTrue();
        assertThat(Checkpoint.load(dir).state().step()).isEqualTo(3);
        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("elsewhere"))).hasMessageStartingWith("no checkpoint to resume");

        // the next save after such a crash replaces both leftovers with one complete folder
        try (PreparedDataset data = PreparedDataset.open(TINY_DATA)) {
            Trainer resumed = Trainer.resume(null, data, dir, Progress.silent());
            resumed.runUntil(6);
        }
        assertThat(Checkpoint.load(dir).state().step()).isEqualTo(6);
        assertThat(dir.resolve("checkpoint.old")).doesNotExist();
        assertThat(dir.resolve("checkpoint.tmp")).doesNotExist();
    }

    @Test
    void aNewerFormatVersionIsRefused() throws Exception {
        try (PreparedDataset data = PreparedDataset.open(TINY_DATA)) {
            Trainer.create(micro("ar"), data, dir, Progress.silent()).runUntil(3);
        }
        Path state = dir.resolve("checkpoint/state.json");
        Files.writeString(state, Files.readString(state).replace("\"format_version\" : 1", "\"format_version\" : 2"));
        assertThatThrownBy(() -> Checkpoint.load(dir)).hasMessageContaining("format_version 2, this dlm4j reads version 1");
    }

    @Test
    void aTensorThatIsNotFiniteIsRefusedWithItsName() throws Exception {
        try (PreparedDataset data = PreparedDataset.open(TINY_DATA)) {
            Trainer.create(micro("ar"), data, dir, Progress.silent()).runUntil(3);
        }
        Path weights = dir.resolve("checkpoint/model.safetensors");
        Safetensors.Contents contents = Safetensors.read(weights);
        contents.get("blocks.0.mlp.fc.weight").data()[5] = Float.NaN;
        Safetensors.write(weights, contents.tensors().values(), contents.metadata());
        assertThatThrownBy(() -> Checkpoint.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint file " + weights + " is not usable: tensor 'blocks.0.mlp.fc.weight' holds NaN"
                        + " (at index 5 of 512) (dlm4j never saves such values; the file was changed or written by"
                        + " another program)");

        contents.get("blocks.0.mlp.fc.weight").data()[5] = 0.5f;
        Safetensors.write(weights, contents.tensors().values(), contents.metadata());
        Path moments = dir.resolve("checkpoint/optimizer.safetensors");
        Safetensors.Contents optimizer = Safetensors.read(moments);
        optimizer.get("v.head.weight").data()[0] = Float.POSITIVE_INFINITY;
        Safetensors.write(moments, optimizer.tensors().values(), optimizer.metadata());
        assertThatThrownBy(() -> Checkpoint.load(dir)).hasMessageContaining("tensor 'v.head.weight' holds Infinity");
    }
}
