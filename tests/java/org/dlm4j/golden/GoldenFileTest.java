package org.dlm4j.golden;

import org.dlm4j.train.NamedArray;
import org.dlm4j.train.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoldenFileTest {

    @TempDir
    Path folder;

    @Test
    void loadsTheOpsAndBlockFilesWithTheirContractNames() {
        GoldenFile ops = GoldenFile.load("ops");
        GoldenFile block = GoldenFile.load("block");

        assertThat(ops.metadata("generator")).isEqualTo("make_golden.py");
        assertThat(ops.names()).contains("gelu.x", "gelu.out", "gelu.dout", "gelu.dx",
                "attention_causal.dqkv", "cross_entropy.dlogits", "adamw.params_after");
        assertThat(ops.shape("cross_entropy.out")).isEmpty();
        assertThat(ops.shape("attention_causal.qkv")).containsExactly(2, 4, 24);
        assertThat(block.shape("blocks.0.attn.qkv.weight")).containsExactly(96, 32);
        assertThat(block.shape("causal.grad.blocks.0.mlp.fc.weight")).containsExactly(128, 32);
        assertThat(block.names()).hasSize(12 + 2 + 2 * (2 + 12));
    }

    @Test
    void theStoredGeluOutputFollowsItsFormula() {
        GoldenFile ops = GoldenFile.load("ops");
        float[] x = ops.get("gelu.x");
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double u = Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * Math.pow(x[i], 3));
            out[i] = (float) (0.5 * x[i] * (1 + Math.tanh(u)));
        }
        ops.assertClose("gelu.out", out, 1e-6, 1e-6);
    }

    @Test
    void aMismatchNamesTheTensorTheWorstIndexAndTheHint() {
        GoldenFile ops = GoldenFile.load("ops");
        float[] almost = ops.get("linear.out"); // (2, 3, 5)
        almost[17] += 0.5f;                     // index (1, 0, 2)
        almost[3] += 0.01f;

        assertThatThrownBy(() -> ops.assertClose("linear.out", almost, 1e-5, 1e-5))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'linear.out': 2 of 30 values differ beyond atol=1.0E-5 rtol=1.0E-5")
                .hasMessageContaining("at index 17 [1, 0, 2]")
                .hasMessageContaining("expected " + ops.get("linear.out")[17] + ", actual " + almost[17])
                .hasMessageEndingWith("HINT: if the reference changed on purpose, regenerate the golden files with: "
                        + "/usr/bin/python3 tests/golden/make_golden.py");
    }

    @Test
    void nanAndWrongLengthsFail() {
        GoldenFile ops = GoldenFile.load("ops");
        float[] withNan = ops.get("exp.out");
        withNan[4] = Float.NaN;

        assertThatThrownBy(() -> ops.assertClose("exp.out", withNan, 1, 1))
                .isInstanceOf(AssertionError.class).hasMessageContaining("1 of 24 values").hasMessageContaining("index 4");
        assertThatThrownBy(() -> ops.assertClose("exp.out", new float[3], 1, 1))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected 24 values (shape [2, 3, 4]), got 3");
        assertThatThrownBy(() -> ops.get("no.such.tensor"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("has no tensor 'no.such.tensor'")
                .hasMessageContaining(GoldenFile.REGENERATE);
    }

    @Test
    void aWrongMagicOrVersionFailsWithTheHint() throws IOException {
        List<NamedArray> tensors = List.of(new NamedArray("x", new int[]{1}, new float[]{1f}));
        Path foreign = folder.resolve("foreign.safetensors");
        Safetensors.write(foreign, tensors, Map.of("magic", "something-else", "version", "1"));
        Path old = folder.resolve("old.safetensors");
        Safetensors.write(old, tensors, Map.of("magic", GoldenFile.MAGIC, "version", "0"));
        Path bare = folder.resolve("bare.safetensors");
        Safetensors.write(bare, tensors, Map.of());

        assertThatThrownBy(() -> GoldenFile.load(foreign)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("has magic \"something-else\", expected \"dlm4j-golden\"")
                .hasMessageContaining(GoldenFile.REGENERATE);
        assertThatThrownBy(() -> GoldenFile.load(old)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("has version \"0\", this test expects version 1")
                .hasMessageContaining(GoldenFile.REGENERATE);
        assertThatThrownBy(() -> GoldenFile.load(bare)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("has magic (none)");
        Path good = folder.resolve("good.safetensors");
        Safetensors.write(good, tensors, Map.of("magic", GoldenFile.MAGIC, "version", GoldenFile.VERSION));
        assertThat(GoldenFile.load(good).get("x")).containsExactly(1f);
    }
}
