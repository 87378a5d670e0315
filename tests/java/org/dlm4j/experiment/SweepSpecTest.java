package org.dlm4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.dlm4j.eval.Estimator;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

class SweepSpecTest {

    @Test
    void jsonRoundTripKeepsEveryField() {
        for (String name : SweepPresets.NAMES) {
            SweepSpec spec = SweepPresets.byNameOrFile(name);
            assertThat(SweepSpec.fromJson(spec.toJson(), "test")).isEqualTo(spec);
        }
        assertThat(SweepPresets.tiny().toJson()).contains("\"unique_tokens\"", "\"total_tokens\" : 10485760",
                "\"mc_file\"", "\"mc_hard_file\"", "\"val_windows\" : 64", "\"bound_samples\" : 16",
                "\"eval_points\"", "\"positions\" : \"rope\"");
    }

    @Test
    void gridOrderNamesAndEpochs() {
        SweepSpec spec = SweepPresets.small();
        List<GridRun> runs = spec.runs();
        // seeds x models x (U x (AR + diffusion) + the AR regulariser at the smallest U only)
        assertThat(runs).hasSize(3 * 2 * (3 * 2 + 1));
        assertThat(runs.getFirst().name()).isEqualTo("ar-c64-U1088717-s1");
        assertThat(runs.get(1).name()).isEqualTo("diffusion-c64-U1088717-s1");
        assertThat(runs.stream().map(GridRun::name)).contains("ar-c64-U8192-mask0.1-drop0.1-s1")
                .doesNotContain("ar-c64-U65536-mask0.1-drop0.1-s1");
        assertThat(runs.stream().map(GridRun::name).distinct()).hasSize(runs.size());
        GridRun smallest = new GridRun("ar", 8_192, spec.models().getFirst(), null, 1);
        assertThat(smallest.epochs(spec)).isEqualTo(1280.0);
    }

    @Test
    void objectivesShareEverythingButTheObjective() {
        SweepSpec spec = SweepPresets.tiny();
        SweepSpec.ModelSpec model = spec.models().getFirst();
        TrainConfig ar = new GridRun("ar", 8192, model, null, 2).trainConfig(spec, 258, 257);
        TrainConfig diffusion = new GridRun("diffusion", 8192, model, null, 2).trainConfig(spec, 258, 257);
        assertThat(ar.model().causal()).isTrue();
        assertThat(diffusion.model().causal()).isFalse();
        assertThat(diffusion.model().withCausal(true)).isEqualTo(ar.model());
        assertThat(diffusion.steps()).isEqualTo(ar.steps()).isEqualTo(2560);
        assertThat(ar.totalTokens()).isEqualTo(10_485_760);
        assertThat(diffusion.seed()).isEqualTo(ar.seed()).isEqualTo(2);
        assertThat(diffusion.evalInterval()).isEqualTo(ar.evalInterval()).isEqualTo(640);
        assertThat(diffusion.lrSchedule().at(123)).isEqualTo(ar.lrSchedule().at(123));
        TrainConfig masked = new GridRun("ar", 8192, model, new SweepSpec.RegularizerSpec("m", 0.2, 0.1, null), 2)
                .trainConfig(spec, 258, 257);
        assertThat(masked.objectiveOptions().inputMaskRatio()).isEqualTo(0.2);
        assertThat(masked.model().dropout()).isEqualTo(0.1f);
        assertThat(ar.model().positions()).isEqualTo(PositionEncoding.ROPE);
        assertThat(ar.model().contextLength()).isEqualTo(128);
    }

    @Test
    void mcEstimatorIsOptionalPaperByDefaultAndNeverExact() {
        String tiny = SweepPresets.tiny().toJson();
        assertThat(SweepPresets.tiny().diffusionMcEstimator()).isEqualTo(Estimator.CHAIN_RULE);
        SweepSpec withoutKey = SweepSpec.fromJson(tiny.replace("\"mc_estimator\" : \"chain-rule\",\n", ""), "f");
        assertThat(withoutKey.mcEstimator()).isEqualTo("paper");
        assertThat(withoutKey.diffusionMcEstimator()).isEqualTo(Estimator.PAPER);
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"chain-rule\"", "\"exact\""), "f"))
                .hasMessageStartingWith("f: mc_estimator 'exact' is AR's");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"chain-rule\"", "\"best\""), "f"))
                .hasMessageStartingWith("f: unknown estimator 'best'");
    }

    @Test
    void positionsAreOptionalRopeByDefaultAndReachTheModel() {
        String tiny = SweepPresets.tiny().toJson();
        SweepSpec withoutKey = SweepSpec.fromJson(tiny.replace("\"positions\" : \"rope\"", "\"nothing\" : 0")
                .replace(",\n    \"nothing\" : 0", ""), "f");
        assertThat(withoutKey).isEqualTo(SweepPresets.tiny());
        SweepSpec learned = SweepSpec.fromJson(tiny.replace("\"rope\"", "\"learned\""), "f");
        SweepSpec.ModelSpec model = learned.models().getFirst();
        assertThat(model.positions()).isEqualTo("learned");
        TrainConfig config = new GridRun("diffusion", 8192, model, null, 1).trainConfig(learned, 258, 257);
        assertThat(config.model().positions()).isEqualTo(PositionEncoding.LEARNED);
        assertThat(new SweepSpec.ModelSpec("m", 40, 16, 1, 2, 2, null).positions()).isEqualTo("rope");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"rope\"", "\"alibi\""), "f"))
                .hasMessageStartingWith("f: model 'tiny': unknown position encoding 'alibi'");
        assertThatThrownBy(() -> new SweepSpec.ModelSpec("odd", 40, 12, 1, 4, 2, "rope"))
                .hasMessage("model 'odd': rope positions need an even head size, d_model / num_heads = 3");
    }

    @Test
    void optionalKeysOfOlderSpecFilesGetTheirDefaults() {
        String tiny = SweepPresets.tiny().toJson();
        SweepSpec noHard = SweepSpec.fromJson(tiny.replace("\"mc_hard_file\" : \"tiny-data/mc-hard.jsonl\",\n", ""), "f");
        assertThat(noHard.mcHardFile()).isNull();
        SweepSpec everyU = SweepSpec.fromJson(tiny.replace(",\n    \"unique_tokens\" : [ 8192 ]", ""), "f");
        assertThat(everyU.regularizers().getFirst().uniqueTokens()).isNull();
        assertThat(everyU.runs()).hasSize(3 * (3 * 2 + 3));
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"val_windows\" : 64,\n", ""), "f"))
                .hasMessage("f: missing key 'val_windows'");
    }

    @Test
    void tinyPresetsLargestUIsAllOfTheTrainingData() {
        try (var data = org.dlm4j.data.PreparedDataset.open(java.nio.file.Path.of(SweepPresets.tiny().data()))) {
            assertThat(SweepPresets.tiny().uniqueTokens().stream().mapToLong(Long::longValue).max().orElseThrow())
                    .isEqualTo(data.train().length());
        }
    }

    @Test
    void gpuPresetIsValidAndLarge() {
        SweepSpec gpu = SweepPresets.gpu();
        long parameters = new GridRun("ar", 1 << 20, gpu.models().getFirst(), null, 1)
                .trainConfig(gpu, 50257, 50256).model().numParameters();
        assertThat(parameters).isBetween(20_000_000L, 60_000_000L);
        assertThat(gpu.steps(gpu.models().getFirst())).isEqualTo(6000);
    }

    @Test
    void badGridsAreOneLineErrors() {
        String tiny = SweepPresets.tiny().toJson();
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replaceFirst("\"unique_tokens\" : \\[[^]]*]",
                "\"unique_tokens\" : []"), "f")).hasMessageContaining("empty grid: unique_tokens has no values");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("8192,", "81920000,"), "f"))
                .hasMessageContaining("total tokens M=10485760 is less than unique tokens U=81920000");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("10485760,", "10485761,"), "f"))
                .hasMessageContaining("is not a multiple of B x T");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"unique_tokens\" : [ 8192 ]",
                "\"unique_tokens\" : [ 4096 ]"), "f"))
                .hasMessageContaining("regularizer 'mask0.1-drop0.1' runs at unique_tokens [4096], not all of them");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"ar\"", "\"gpt\""), "f"))
                .hasMessageContaining("gpt");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"name\" : \"tiny\",", "\"nmae\" : \"tiny\","), "f"))
                .hasMessage("f: missing key 'name'");
        assertThatThrownBy(() -> SweepSpec.fromJson(tiny.replace("\"name\" : \"tiny\",", "\"name\" : \"tiny\", \"epochs\" : 3,"),
                "f")).hasMessage("f: unknown key 'epochs'");
        assertThatThrownBy(() -> SweepPresets.byNameOrFile("huge")).hasMessage(
                "unknown preset 'huge' (known: tiny, small, gpu, or a sweep spec .json file)");
    }
}
