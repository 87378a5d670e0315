package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.PreparedDataset;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.ObjectiveOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the first training losses of the crossover preset's model on tiny-data, per objective, so that a
 * change that moves the numbers (kernels, initialisation, objectives, data order, optimizer) is seen here
 * first, and the measured results in README.md and docs/ are regenerated with it.
 *
 * <p>When the change is intended: rerun the experiment and its docs (README.md, "The crossover
 * experiment"), then rewrite the pinned file with
 * {@code ./mvnw -q test -Dtest=TrainingTrajectoryTest -Ddlm4j.updateTrajectories=true}.
 */
class TrainingTrajectoryTest {
    private static final Path PINNED = Path.of("tests/resources/trajectories/tiny-crossover-model.json");
    private static final int STEPS = 16;
    /** Relative tolerance: far below any real change of the numbers, above nothing that is deterministic. */
    private static final double TOLERANCE = 1e-6;
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @TempDir
    Path dir;

    @Test
    void firstLossesOfBothObjectivesAreThePinnedOnes() throws Exception {
        Map<String, List<Double>> actual = new LinkedHashMap<>();
        for (String objective : List.of("ar", "diffusion")) {
            actual.put(objective, losses(objective));
        }
        if (Boolean.getBoolean("dlm4j.updateTrajectories")) {
            Files.writeString(PINNED, JSON.writeValueAsString(actual) + "\n");
        }
        @SuppressWarnings("unchecked")
        Map<String, List<Double>> pinned = JSON.readValue(PINNED.toFile(), Map.class);
        for (String objective : actual.keySet()) {
            List<Double> expected = pinned.get(objective);
            List<Double> got = actual.get(objective);
            for (int i = 0; i < STEPS; i++) {
                assertThat(Math.abs(got.get(i) - expected.get(i)) / expected.get(i))
                        .as("%s loss at step %d moved: %s instead of the pinned %s. The training numbers changed:"
                                + " rerun the crossover experiment and its docs (README.md), then update %s with"
                                + " -Ddlm4j.updateTrajectories=true. Now: %s", objective, i + 1, got.get(i),
                                expected.get(i), PINNED, got)
                        .isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    /** The first STEPS training losses of the tiny crossover model (C 64, 2 layers, T 128, rope), B 8, U 8,192. */
    private List<Double> losses(String objective) throws Exception {
        var model = new TransformerConfig(258, 128, 64, 2, 4, 4, 0f, objective.equals("ar"), true, false,
                PositionEncoding.ROPE);
        var config = new TrainConfig(objective, ObjectiveOptions.defaults(257), model, 8, STEPS, 8192, 3e-3, 3e-4, 2,
                TrainConfig.COSINE, 0.2, 0.1, 0.9, 0.99, 1e-8, 1.0, STEPS, 1, STEPS, 1);
        Path out = dir.resolve(objective);
        try (PreparedDataset data = PreparedDataset.open(Path.of("tiny-data/bytes"))) {
            Trainer.create(config, data, out, Progress.silent()).run();
        }
        return MetricsLog.read(out.resolve(Trainer.METRICS_FILE)).stream().filter(m -> m.containsKey("train_loss"))
                .map(m -> ((Number) m.get("train_loss")).doubleValue()).toList();
    }
}
