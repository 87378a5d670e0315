package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
    @TempDir
    Path dir;

    private static JsonNode json(String text) throws Exception {
        return TrainConfigJson.JSON.readTree(text);
    }

    @Test
    void presetsResolveByNameAndUnknownNamesFail() {
        TrainConfig tiny = TrainPresets.byName("tiny", "ar");
        assertThat(tiny.model().withCausal(true)).isEqualTo(new TransformerConfig(258, 64, 64, 2, 4, 4, 0f, true,
                true, false, PositionEncoding.ROPE));
        assertThat(tiny.totalTokens()).isEqualTo(tiny.steps() * tiny.batchSize() * 64);
        TrainConfig reference = TrainPresets.byName("reference", "diffusion");
        assertThat(reference.model().dModel()).isEqualTo(256);
        assertThat(reference.model().numLayers()).isEqualTo(4);
        assertThat(reference.batchSize()).isEqualTo(16);
        assertThat(reference.contextLength()).isEqualTo(128);
        assertThat(reference.objective()).isEqualTo("diffusion");
        assertThatThrownBy(() -> TrainPresets.byName("medium", "ar"))
                .hasMessage("unknown preset 'medium' (known: tiny, reference)");
    }

    @Test
    void jsonRoundTripsAndPartialOverridesChangeOnlyTheirFields() throws Exception {
        TrainConfig tiny = TrainPresets.byName("tiny", "ar");
        assertThat(TrainConfigJson.fromTree(TrainConfigJson.toTree(tiny), "test")).isEqualTo(tiny);
        TrainConfig changed = TrainConfigJson.merge(tiny, json("{\"model\": {\"d_model\": 32}, \"lr\": 0.01,"
                + " \"objective_options\": {\"variant\": \"mdlm\"}}"), "test");
        assertThat(changed.model().dModel()).isEqualTo(32);
        assertThat(changed.model().numLayers()).isEqualTo(tiny.model().numLayers());
        assertThat(changed.lr()).isEqualTo(0.01);
        assertThat(changed.objectiveOptions().variant()).isEqualTo("mdlm");
        assertThat(TrainConfigJson.firstDifference(tiny, changed)).isEqualTo("objective_options.variant: \"paper\" vs \"mdlm\"");
        assertThat(TrainConfigJson.firstDifference(tiny, tiny)).isNull();
    }

    @Test
    void positionsAreWrittenByNameAndOlderFilesWithoutTheKeyLoadAsLearned() throws Exception {
        TrainConfig tiny = TrainPresets.byName("tiny", "diffusion");
        JsonNode tree = TrainConfigJson.toTree(tiny);
        assertThat(tree.get("model").get("positions").asText()).isEqualTo("rope");
        TrainConfig learned = TrainConfigJson.merge(tiny, json("{\"model\": {\"positions\": \"learned\"}}"), "t");
        assertThat(learned.model().positions()).isEqualTo(PositionEncoding.LEARNED);
        assertThat(TrainConfigJson.toTree(learned).get("model").get("positions").asText()).isEqualTo("learned");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("model")).remove("positions");
        assertThat(TrainConfigJson.fromTree(tree, "old").model().positions()).isEqualTo(PositionEncoding.LEARNED);
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"model\": {\"positions\": \"alibi\"}}"), "cfg"))
                .hasMessageStartingWith("cfg: unknown position encoding 'alibi'; known: learned, rope");
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"model\": {\"positions\": \"rope\","
                + " \"num_heads\": 64}}"), "cfg")).hasMessageContaining("even head size");
    }

    @Test
    void badOverridesNameTheProblem() throws Exception {
        TrainConfig tiny = TrainPresets.byName("tiny", "ar");
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"batch_sise\": 3}"), "cfg"))
                .hasMessage("cfg: unknown key 'batch_sise' (at batch_sise)");
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"batch_size\": 0}"), "cfg"))
                .hasMessage("cfg: batch_size must be positive, got 0");
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"model\": {\"num_heads\": 5}}"), "cfg"))
                .hasMessageContaining("must be divisible by numHeads 5");
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"warmup_steps\": 800}"), "cfg"))
                .hasMessageContaining("need 0 <= warmup < total steps");
        assertThatThrownBy(() -> TrainConfigJson.merge(tiny, json("{\"steps\": 3.7}"), "cfg"))
                .hasMessageStartingWith("cfg: ").hasMessageContaining("3.7").hasMessageContaining("(at steps)");
        Path file = Files.writeString(dir.resolve("c.json"), "{\"lr\": ");
        assertThatThrownBy(() -> TrainConfigJson.readOverrides(file)).hasMessageStartingWith("config file " + file
                + " is not valid JSON");
        assertThatThrownBy(() -> TrainConfigJson.readOverrides(dir.resolve("none.json")))
                .hasMessageEndingWith("does not exist");
    }

    @Test
    void forDataSetsVocabularyMaskCausalityAndUniqueTokens() {
        TrainConfig tiny = TrainPresets.byName("tiny", "diffusion");
        TrainConfig concrete = tiny.forData(300, 299, 10_000_000, false);
        assertThat(concrete.model().vocabSize()).isEqualTo(300);
        assertThat(concrete.model().causal()).isFalse();
        assertThat(concrete.objectiveOptions().maskId()).isEqualTo(299);
        assertThat(concrete.uniqueTokens()).isEqualTo(tiny.totalTokens()); // U = min(train, M) = M here
        assertThat(tiny.forData(258, 257, 1000, true).uniqueTokens()).isEqualTo(1000);
    }

    @Test
    void schedulesFollowTheConfig() throws Exception {
        TrainConfig tiny = TrainPresets.byName("tiny", "ar");
        assertThat(TrainConfigJson.merge(tiny, json("{\"schedule\": \"cosine\"}"), "t").lrSchedule())
                .isInstanceOf(LrSchedule.Cosine.class);
        assertThat(tiny.lrSchedule().at(tiny.warmupSteps() - 1)).isEqualTo(tiny.lr());
        assertThat(tiny.lrSchedule()).isInstanceOf(LrSchedule.WarmupStableDecay.class);
        TrainConfig wsd = tiny;
        assertThat(wsd.lrSchedule().at(tiny.steps() / 2)).isEqualTo(tiny.lr());
    }
}
