package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void writesLittleEndianUint16LikeNanoGpt() throws Exception {
        Path file = dir.resolve("t.bin");
        TokenFile.write(file, new int[] {1, 258, 65535}, TokenDtype.UINT16);
        assertThat(Files.readAllBytes(file)).containsExactly(1, 0, 2, 1, 0xFF, 0xFF);
    }

    @Test
    void roundTripsAFileLongerThan65536TokensByMemoryMapping() {
        int n = 70_001;
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (i * 7919) % 65536;
        }
        Path file = dir.resolve("long.bin");
        TokenFile.write(file, tokens, TokenDtype.UINT16);
        try (var tokenFile = TokenFile.open(file, TokenDtype.UINT16)) {
            assertThat(tokenFile.length()).isEqualTo(n);
            assertThat(tokenFile.get(0)).isEqualTo(0);
            assertThat(tokenFile.get(70_000)).isEqualTo(tokens[70_000]);
            assertThat(tokenFile.get(65_537)).isEqualTo(tokens[65_537]);
            int[] all = new int[n];
            tokenFile.read(0, all);
            assertThat(all).isEqualTo(tokens);
            int[] window = new int[5];
            tokenFile.read(65_534, window);
            assertThat(window).containsExactly(tokens[65_534], tokens[65_535], tokens[65_536], tokens[65_537], tokens[65_538]);
            assertThatThrownBy(() -> tokenFile.get(n)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void roundTripsUint32ForBigVocabularies() throws Exception {
        assertThat(TokenDtype.forVocab(65536)).isEqualTo(TokenDtype.UINT16);
        assertThat(TokenDtype.forVocab(65537)).isEqualTo(TokenDtype.UINT32);
        int[] tokens = {0, 65536, 100_000, 1 << 30};
        Path file = dir.resolve("big.bin");
        TokenFile.write(file, tokens, TokenDtype.UINT32);
        assertThat(Files.size(file)).isEqualTo(16);
        try (var tokenFile = TokenFile.open(file, TokenDtype.UINT32)) {
            assertThat(tokenFile.length()).isEqualTo(4);
            int[] back = new int[4];
            tokenFile.read(0, back);
            assertThat(back).isEqualTo(tokens);
        }
    }

    @Test
    void refusesIdsThatDoNotFitTheDtype() {
        assertThatThrownBy(() -> TokenFile.write(dir.resolve("x.bin"), new int[] {65536}, TokenDtype.UINT16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit uint16");
    }

    @Test
    void namesTheFileAndTheProblemForBadFiles() throws Exception {
        Path odd = Files.write(dir.resolve("odd.bin"), new byte[] {1, 0, 2});
        assertThatThrownBy(() -> TokenFile.open(odd, TokenDtype.UINT16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token file " + odd + " has 3 bytes, not a multiple of 2 as uint16 needs (truncated or wrong dtype?)");
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertThatThrownBy(() -> TokenFile.open(empty, TokenDtype.UINT16)).hasMessage("token file " + empty + " is empty");
        Path missing = dir.resolve("missing.bin");
        assertThatThrownBy(() -> TokenFile.open(missing, TokenDtype.UINT16))
                .hasMessage("token file " + missing + " does not exist");
    }

    @Test
    void findsTheFirstIdOutsideTheVocabulary() {
        Path file = dir.resolve("ids.bin");
        TokenFile.write(file, new int[] {1, 257, 300, 400}, TokenDtype.UINT16);
        try (var tokenFile = TokenFile.open(file, TokenDtype.UINT16)) {
            tokenFile.requireIdsBelow(401);
            assertThatThrownBy(() -> tokenFile.requireIdsBelow(258)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token file " + file + " has id 300 at position 2, outside the vocabulary [0, 258)");
        }
    }

    @Test
    void readingAfterCloseFails() {
        Path file = dir.resolve("c.bin");
        TokenFile.write(file, new int[] {5}, TokenDtype.UINT16);
        var tokenFile = TokenFile.open(file, TokenDtype.UINT16);
        tokenFile.close();
        assertThatThrownBy(() -> tokenFile.get(0)).isInstanceOf(IllegalStateException.class);
    }
}
