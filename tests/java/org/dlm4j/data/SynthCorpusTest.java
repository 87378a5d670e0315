package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCorpusTest {
    private static final Path COMMITTED = Path.of("tiny-data");
    private static final List<String> FILES = List.of("stories-train.txt", "stories-val.txt", "mc-val.jsonl",
            "mc-hard.jsonl", "bytes/train.bin", "bytes/val.bin", "bytes/meta.json");

    @Test
    void committedTinyDataEqualsAFreshRegeneration(@TempDir Path dir) throws Exception {
        SynthCorpus.write(dir, SynthCorpus.DEFAULT_SEED, SynthCorpus.DEFAULT_STORIES, false);
        for (String file : FILES) {
            assertThat(Files.readAllBytes(COMMITTED.resolve(file)))
                    .as("tiny-data/%s differs from `dlm4j data synth`; regenerate it", file)
                    .isEqualTo(Files.readAllBytes(dir.resolve(file)));
        }
    }

    @Test
    void regenerationIsByteIdentical(@TempDir Path dir) throws Exception {
        SynthCorpus.write(dir.resolve("a"), 123, 60, false);
        SynthCorpus.write(dir.resolve("b"), 123, 60, false);
        for (String file : FILES) {
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(file))).isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
        }
    }

    @Test
    void committedCorpusIsSmallAndReadable() throws Exception {
        long bytes;
        try (var files = Files.walk(COMMITTED)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(bytes).isLessThan(4_000_000);
        try (var dataset = PreparedDataset.open(COMMITTED.resolve("bytes"))) {
            assertThat(dataset.meta().trainDocuments()).isEqualTo(1800);
            assertThat(dataset.meta().valDocuments()).isEqualTo(200);
            double entropy = CorpusStats.unigramEntropy(dataset.train());
            assertThat(entropy).isBetween(2.5, 3.5);
        }
        assertThat(MultipleChoice.readJsonl(COMMITTED.resolve("mc-val.jsonl"))).hasSizeGreaterThanOrEqualTo(500);
        assertThat(MultipleChoice.readJsonl(COMMITTED.resolve("mc-hard.jsonl"))).hasSizeGreaterThanOrEqualTo(300);
    }

    @Test
    void refusesToOverwriteWithoutForceAndKeepsOtherFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("README.md"), "mine");
        SynthCorpus.write(dir, 1, 20, false);
        assertThatThrownBy(() -> SynthCorpus.write(dir, 1, 20, false))
                .hasMessage("output " + dir.toAbsolutePath().resolve("stories-train.txt") + " already exists (use --force to replace it)");
        SynthCorpus.write(dir, 2, 20, true);
        assertThat(Files.readString(dir.resolve("README.md"))).isEqualTo("mine");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("README.md", "stories-train.txt", "stories-val.txt", "mc-val.jsonl",
                            "mc-hard.jsonl", "bytes");
        }
    }
}
