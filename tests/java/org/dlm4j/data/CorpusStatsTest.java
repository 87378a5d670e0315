package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusStatsTest {
    @Test
    void unigramEntropyInNats(@TempDir Path dir) {
        Path uniform = dir.resolve("u.bin");
        TokenFile.write(uniform, new int[] {0, 1, 2, 3, 0, 1, 2, 3}, TokenDtype.UINT16);
        try (var file = TokenFile.open(uniform, TokenDtype.UINT16)) {
            assertThat(CorpusStats.unigramEntropy(file)).isCloseTo(Math.log(4), within(1e-12));
        }
        Path skewed = dir.resolve("s.bin");
        TokenFile.write(skewed, new int[] {5, 5, 5, 2000}, TokenDtype.UINT16);
        try (var file = TokenFile.open(skewed, TokenDtype.UINT16)) {
            double expected = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
            assertThat(CorpusStats.unigramEntropy(file)).isCloseTo(expected, within(1e-12));
        }
    }
}
