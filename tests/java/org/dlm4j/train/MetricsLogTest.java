package org.dlm4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsLogTest {

    @TempDir
    Path folder;

    @Test
    void aFullDiskNamesTheFileTheOperationAndTheReason() throws IOException {
        try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix().toBuilder().setBlockSize(64).setMaxSize(128)
                .build())) {
            Path file = disk.getPath("/metrics.jsonl");
            try (MetricsLog log = MetricsLog.open(file)) {
                log.append(record("step", 1, "train_loss", 2.5));
                assertThatThrownBy(() -> log.append(record("note", "x".repeat(200))))
                        .isInstanceOf(IOException.class)
                        .hasMessage("cannot append to /metrics.jsonl: out of disk space");
            }
        }
    }

    @Test
    void writesOneFlushedJsonObjectPerLineAndReadsThemBack() throws IOException {
        Path file = folder.resolve("run/metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(record("step", 1, "train_loss", 2.5, "objective", "dlm"));
            log.append(record("step", 2, "train_loss", 2.25, "lr", 3e-4));
            // flushed: visible before close
            assertThat(Files.readAllLines(file)).containsExactly(
                    "{\"step\":1,\"train_loss\":2.5,\"objective\":\"dlm\"}",
                    "{\"step\":2,\"train_loss\":2.25,\"lr\":3.0E-4}");
        }

        List<Map<String, Object>> records = MetricsLog.read(file);

        assertThat(records).hasSize(2);
        assertThat(records.get(0)).containsExactly(Map.entry("step", 1), Map.entry("train_loss", 2.5),
                Map.entry("objective", "dlm"));
        assertThat(records.get(1).get("lr")).isEqualTo(3e-4);
    }

    @Test
    void reopeningAppendsAfterTheExistingRecords() throws IOException {
        Path file = folder.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(record("step", 1));
        }
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(record("step", 2));
        }
        assertThat(MetricsLog.read(file)).extracting(r -> r.get("step")).containsExactly(1, 2);
    }

    @Test
    void aTornLastLineIsIgnoredOnReadAndRemovedOnReopen() throws IOException {
        Path file = folder.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1}\n{\"step\":2,\"train_lo");

        assertThat(MetricsLog.read(file)).extracting(r -> r.get("step")).containsExactly(1);
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(record("step", 2));
        }
        assertThat(Files.readString(file)).isEqualTo("{\"step\":1}\n{\"step\":2}\n");
    }

    @Test
    void aBadLineInTheMiddleIsAnErrorNamingTheLine() throws IOException {
        Path file = folder.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1}\nnot json\n{\"step\":3}\n");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " line 2 is not valid JSON");
        Files.writeString(file, "{\"step\":1}\n[1, 2]\n");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(file + " line 2 is not a JSON object");
    }

    @Test
    void nonFiniteLossesRoundTripAsDoubles() throws IOException {
        Path file = folder.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(record("step", 9, "train_loss", Double.NaN, "grad_norm", Double.POSITIVE_INFINITY));
        }
        assertThat(Files.readString(file)).isEqualTo("{\"step\":9,\"train_loss\":NaN,\"grad_norm\":Infinity}\n");
        Map<String, Object> read = MetricsLog.read(file).getFirst();
        assertThat((Double) read.get("train_loss")).isNaN();
        assertThat(read.get("grad_norm")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void keepUpToStepDropsTheRecordsAResumedRunRepeats() throws IOException {
        Path file = folder.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(record("event", "start"));
            for (int step = 100; step <= 400; step += 100) {
                log.append(record("step", step, "val_loss", 3.0 - step / 1000.0));
            }
        }

        MetricsLog.keepUpToStep(file, 250);

        assertThat(MetricsLog.read(file)).extracting(r -> r.getOrDefault("step", "none"))
                .containsExactly("none", 100, 200);
    }

    private static Map<String, Object> record(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
