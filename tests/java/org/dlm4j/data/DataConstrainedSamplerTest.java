package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token at position i of the test file is i itself, so a batch tells which positions it read. */
class DataConstrainedSamplerTest {
    private static final int FILE_TOKENS = 5_000;

    @TempDir
    Path dir;
    private TokenFile train;

    @BeforeEach
    void writeFile() {
        int[] positions = new int[FILE_TOKENS];
        for (int i = 0; i < FILE_TOKENS; i++) {
            positions[i] = i;
        }
        Path file = dir.resolve("train.bin");
        TokenFile.write(file, positions, TokenDtype.UINT16);
        train = TokenFile.open(file, TokenDtype.UINT16);
    }

    @AfterEach
    void close() {
        train.close();
    }

    @Test
    void usesExactlyTheFirstUTokensAndRunsMOverUEpochs() {
        int t = 8;
        long u = 50L * t + 1; // U - 1 a multiple of T: fixed windows, every pass covers all U tokens
        long m = 40 * u; // 40 epochs; a multiple of B*T = 40
        var sampler = new DataConstrainedSampler(train, u, m, 5, t, 7);
        var seen = new BitSet();
        while (sampler.hasNext()) {
            int[] batch = sampler.nextBatch();
            assertThat(batch).hasSize(5 * (t + 1));
            for (int b = 0; b < 5; b++) {
                for (int j = 0; j <= t; j++) {
                    assertThat(batch[b * (t + 1) + j]).isEqualTo(batch[b * (t + 1)] + j); // contiguous windows
                }
            }
            for (int token : batch) {
                seen.set(token);
            }
        }
        assertThat(seen.cardinality()).isEqualTo((int) u);
        assertThat(seen.nextSetBit(0)).isZero();
        assertThat(seen.length()).isEqualTo((int) u);
        assertThat(sampler.tokensSeen()).isEqualTo(m);
        assertThat(sampler.epoch()).isEqualTo(40.0);
        assertThat(sampler.step()).isEqualTo(m / 40).isEqualTo(sampler.totalSteps());
        assertThatThrownBy(sampler::nextBatch).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void staysInsideUWhenTheWindowsDoNotTileIt() {
        int t = 16;
        long u = 1_000; // W = 62 windows, slack 15 tokens: offsets move between passes
        var sampler = new DataConstrainedSampler(train, u, 100 * u, 4, t, 3);
        var seen = new BitSet();
        while (sampler.hasNext()) {
            for (int token : sampler.nextBatch()) {
                seen.set(token);
            }
        }
        assertThat(seen.length()).isEqualTo((int) u); // the last token read is U-1, never beyond
        assertThat(seen.cardinality()).isEqualTo((int) u); // the slack at both ends got covered over 100 passes
        assertThat(sampler.windowsPerEpoch()).isEqualTo(62);
    }

    @Test
    void reshufflesEveryEpochAndVisitsEveryWindowOncePerEpoch() {
        int t = 10;
        long u = 20L * t + 1; // 20 windows per pass
        var sampler = new DataConstrainedSampler(train, u, 3 * 20 * t, 1, t, 11);
        List<List<Integer>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            var starts = new ArrayList<Integer>();
            for (int w = 0; w < 20; w++) {
                starts.add(sampler.nextBatch()[0]);
            }
            epochs.add(starts);
            assertThat(starts).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, 20).map(w -> w * t).boxed().toList());
        }
        assertThat(epochs.get(0)).isNotEqualTo(epochs.get(1));
        assertThat(epochs.get(1)).isNotEqualTo(epochs.get(2));
        assertThat(sampler.epoch()).isEqualTo(3.0 * 200 / 201);
    }

    @Test
    void restoringAPositionGivesTheIdenticalContinuation() throws Exception {
        int t = 8;
        long u = 1_203;
        var sampler = new DataConstrainedSampler(train, u, 30 * u, 3, t, 42);
        for (int i = 0; i < 137; i++) { // crosses a couple of epoch boundaries
            sampler.nextBatch();
        }
        SamplerPosition saved = sampler.position();
        String json = Json.MAPPER.writeValueAsString(saved);
        List<int[]> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            expected.add(sampler.nextBatch());
        }
        var resumed = new DataConstrainedSampler(train, u, 30 * u, 3, t, 999); // seed is overridden by the position
        resumed.restore(Json.MAPPER.readValue(json, SamplerPosition.class));
        assertThat(resumed.step()).isEqualTo(137);
        assertThat(resumed.tokensSeen()).isEqualTo(137L * 3 * t);
        for (int[] batch : expected) {
            assertThat(resumed.nextBatch()).isEqualTo(batch);
        }
        assertThat(resumed.position()).isEqualTo(sampler.position());
        var other = new DataConstrainedSampler(train, u + 1, 30 * u, 3, t, 42);
        assertThatThrownBy(() -> other.restore(saved)).hasMessageContaining("is for U=1203");
    }

    @Test
    void sameSeedSameBatchesDifferentSeedDifferentOrder() {
        var a = new DataConstrainedSampler(train, 801, 8_000, 2, 8, 5);
        var b = new DataConstrainedSampler(train, 801, 8_000, 2, 8, 5);
        var c = new DataConstrainedSampler(train, 801, 8_000, 2, 8, 6);
        int[] first = a.nextBatch();
        assertThat(b.nextBatch()).isEqualTo(first);
        assertThat(c.nextBatch()).isNotEqualTo(first);
    }

    @Test
    void rejectsImpossibleBudgets() {
        assertThatThrownBy(() -> new DataConstrainedSampler(train, FILE_TOKENS + 1, 100_000, 2, 8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unique tokens U=5001 exceed the 5000 tokens of " + train.path());
        assertThatThrownBy(() -> new DataConstrainedSampler(train, 1_000, 999, 2, 8, 1))
                .hasMessage("total tokens M=999 is less than unique tokens U=1000 (less than one epoch)");
        assertThatThrownBy(() -> new DataConstrainedSampler(train, 8, 100, 2, 8, 1))
                .hasMessage("a window of T+1=9 tokens does not fit in U=8 unique tokens");
        assertThatThrownBy(() -> new DataConstrainedSampler(train, 100, 1_000, 0, 8, 1))
                .hasMessageContaining("must be positive");
    }

    @Test
    void validationBatchesAreFixedAndInFileOrder() {
        var validation = new ValidationBatches(train, 2, 10, 1_000);
        assertThat(validation.numBatches()).isEqualTo((FILE_TOKENS - 1) / 10 / 2);
        int[] second = validation.batch(1);
        assertThat(second[0]).isEqualTo(20);
        assertThat(second[11]).isEqualTo(30);
        assertThat(validation.batch(1)).isEqualTo(second);
        assertThat(new ValidationBatches(train, 2, 10, 3).numBatches()).isEqualTo(3);
        assertThatThrownBy(() -> new ValidationBatches(train, 1_000, 10, 1)).hasMessageContaining("too few for one batch");
    }
}
