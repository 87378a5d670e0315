package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.Loss;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.objective.Objectives;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.Workspace;
import org.junit.jupiter.api.Test;

/** {@link Benchmark}: its numbers and FLOP formula, and that pooled training steps give unpooled bits. */
class BenchmarkTest {
    private static final TransformerConfig TINY = TransformerConfig.preset("tiny", ByteTokenizer.VOCAB_SIZE);

    @Test
    void reportsPositiveRatesAndTheStatedFlops() {
        Benchmark.Result result = Benchmark.run(new Benchmark.Settings(TINY, "diffusion", 2, 16, 1, 1, 3, 1, 7));
        Map<String, Object> json = result.toMap();
        assertThat(json).containsKeys("train_tokens_per_s", "forward_tokens_per_s", "gflops", "peak_heap_mb",
                "train_ms_per_step_min", "train_ms_per_step_median");
        assertThat(result.trainTokensPerSecond()).hasSize(3);
        assertThat(java.util.Arrays.stream(result.trainTokensPerSecond()).min().orElseThrow()).isPositive();
        assertThat(result.forwardMedian()).isPositive();
        assertThat(result.peakHeapMb()).isPositive();
        assertThat(result.finalLoss()).isFinite();
        // tiny: C 64, 2 layers, V 258, untied head: N = 2 * 12 * 64^2 + 64 * 258; bidirectional at T 16
        double expected = 6.0 * (2 * 12 * 64 * 64 + 64 * 258) + 12.0 * 2 * 16 * 64;
        assertThat(result.flopsPerToken()).isCloseTo(expected, within(1e-6));
        assertThat(result.gflops()).isCloseTo(expected * result.trainMedian() / 1e9, within(1e-9));
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new Benchmark.Settings(TINY, "ar", 2, 1000, 1, 0, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context length");
        assertThatThrownBy(() -> new Benchmark.Settings(TINY, "ar", 2, 16, 0, 0, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads 0");
    }

    @Test
    void pooledTrainingStepsGiveTheUnpooledLosses() {
        for (String name : List.of("ar", "diffusion")) {
            assertThat(losses(name, true)).as(name).containsExactlyElementsOf(losses(name, false));
        }
    }

    /** Four AdamW steps on one batch; each in a workspace scope when {@code pooled}. */
    private static List<Float> losses(String name, boolean pooled) {
        Objective objective = Objectives.create(name, ObjectiveOptions.defaults(ByteTokenizer.MASK));
        Transformer model = new Transformer(TINY.withCausal(objective.causal()), new Rng(3));
        AdamWOptimizer optimizer = new AdamWOptimizer(model, 0.9, 0.95, 1e-8, 0.1);
        int[] windows = new int[4 * 33];
        Rng data = new Rng(4);
        for (int i = 0; i < windows.length; i++) {
            windows[i] = data.nextInt(256);
        }
        List<Float> out = new ArrayList<>();
        for (int step = 1; step <= 4; step++) {
            Workspace scope = pooled ? Tensor.workspace() : null;
            try {
                Loss loss = objective.loss(model, windows, 4, 32, new Rng(step));
                out.add(loss.value().item());
                loss.value().backward();
                optimizer.step(1e-2);
                model.zeroGrad();
            } finally {
                if (scope != null) {
                    scope.close();
                }
            }
        }
        Workspace.releaseCached();
        return out;
    }
}
