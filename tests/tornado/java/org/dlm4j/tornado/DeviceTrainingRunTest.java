package org.dlm4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dlm4j.data.PreparedDataset;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.MetricsLog;
import org.dlm4j.train.Progress;
import org.dlm4j.train.Safetensors;
import org.dlm4j.train.TrainConfig;
import org.dlm4j.train.Trainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Trainer} with its steps on the device, end to end on the committed byte data: the
 * losses and validation points follow the CPU run's (1e-4), and a device run stopped after its
 * checkpoint and resumed (weights and moments copied back, saved, loaded and uploaded again) repeats
 * the uninterrupted device run bit for bit, down to the checkpoint's tensors.
 */
class DeviceTrainingRunTest {
    private static final Path TINY_DATA = Path.of("tiny-data/bytes");

    @TempDir
    Path dir;

    @BeforeEach
    void device() {
        DeviceTestSupport.assumeDevice();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ar", "diffusion"})
    void aDeviceRunFollowsTheCpuAndResumesExactly(String objective) throws IOException {
        try (PreparedDataset data = PreparedDataset.open(TINY_DATA)) {
            Path cpu = dir.resolve("cpu");
            Trainer.create(micro(objective), data, cpu, Progress.silent()).run();

            Path straight = dir.resolve("straight");
            Trainer device = Trainer.create(micro(objective), data, straight, Progress.silent());
            device.useDevice(new TornadoEngine());
            device.run();
            device.releaseDevice();

            Path interrupted = dir.resolve("interrupted");
            Trainer first = Trainer.create(micro(objective), data, interrupted, Progress.silent());
            first.useDevice(new TornadoEngine());
            first.runUntil(5);                                      // checkpoint at step 3; 4 and 5 are lost
            first.releaseDevice();
            Trainer resumed = Trainer.resume(null, data, interrupted, Progress.silent());
            resumed.useDevice(new TornadoEngine());
            resumed.run();
            resumed.releaseDevice();

            List<Double> cpuLosses = column(cpu, "train_loss");
            List<Double> deviceLosses = column(straight, "train_loss");
            assertThat(deviceLosses).hasSize(cpuLosses.size());
            for (int i = 0; i < cpuLosses.size(); i++) {
                assertThat(Math.abs(deviceLosses.get(i) - cpuLosses.get(i)) / cpuLosses.get(i))
                        .as("%s train loss at step %d", objective, i + 1).isLessThanOrEqualTo(1e-4);
            }
            List<Double> cpuVal = column(cpu, "val_loss");
            List<Double> deviceVal = column(straight, "val_loss");
            for (int i = 0; i < cpuVal.size(); i++) {
                assertThat(Math.abs(deviceVal.get(i) - cpuVal.get(i)) / cpuVal.get(i))
                        .as("%s validation point %d", objective, i).isLessThanOrEqualTo(1e-4);
            }
            assertThat(column(interrupted, "train_loss")).containsExactlyElementsOf(deviceLosses);
            assertThat(column(interrupted, "val_loss")).containsExactlyElementsOf(deviceVal);
            assertThat(Safetensors.read(Checkpoint.folder(interrupted).resolve(Checkpoint.MODEL_FILE)).tensors())
                    .isEqualTo(Safetensors.read(Checkpoint.folder(straight).resolve(Checkpoint.MODEL_FILE)).tensors());
        }
    }

    /** C 16, 1 layer, 2 heads, T 16, learned positions; B 4, 8 steps, validation every 4, checkpoint every 3. */
    private static TrainConfig micro(String objective) {
        TransformerConfig model = new TransformerConfig(258, 16, 16, 1, 2, 2, 0f, true, true, false,
                PositionEncoding.LEARNED);
        return new TrainConfig(objective, ObjectiveOptions.defaults(257), model, 4, 8, 512, 3e-3, 3e-4, 2,
                TrainConfig.COSINE, 0.2, 0.1, 0.9, 0.99, 1e-8, 1.0, 4, 2, 3, 7);
    }

    private static List<Double> column(Path run, String key) throws IOException {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> record : MetricsLog.read(run.resolve(Trainer.METRICS_FILE))) {
            if (record.get(key) instanceof Number number) {
                values.add(number.doubleValue());
            }
        }
        return values;
    }
}
