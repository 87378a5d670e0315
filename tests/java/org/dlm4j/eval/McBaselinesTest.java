package org.dlm4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.TokenDtype;
import org.dlm4j.data.TokenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McBaselinesTest {
    private static final ByteTokenizer BYTES = new ByteTokenizer();
    private static final List<String> PLACES = List.of("Now Mia was in the park.", "Now Mia was in the barn.",
            "Now Mia was in the cave.", "Now Mia was in the shed.");

    @TempDir
    Path dir;

    private TokenFile train(String text) {
        Path file = dir.resolve("train.bin");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            tokens[i] = bytes[i] & 0xFF;
        }
        TokenFile.write(file, tokens, TokenDtype.UINT16);
        return TokenFile.open(file, TokenDtype.UINT16);
    }

    @Test
    void recencyPicksThePlaceNamedLastInTheVisibleContext() {
        String context = "Mia went to the park. Tom went to the barn.";
        var park = new MultipleChoice("s1-0", context, PLACES, 0);
        var barn = new MultipleChoice("s1-1", context, PLACES, 1);
        var none = new MultipleChoice("s2-0", "Mia sat down.", PLACES, 2); // no place named: a four-way tie
        try (TokenFile file = train("aaaa")) {
            assertThat(McBaselines.score(List.of(park), BYTES, 128, file).recency()).isZero();
            assertThat(McBaselines.score(List.of(barn), BYTES, 128, file).recency()).isEqualTo(1.0);
            assertThat(McBaselines.score(List.of(none), BYTES, 128, file).recency()).isEqualTo(0.25);
            McBaselines all = McBaselines.score(List.of(park, barn, none), BYTES, 128, file);
            assertThat(all.recency()).isCloseTo((0 + 1 + 0.25) / 3, within(1e-12));
            assertThat(all.items()).isEqualTo(3);
            assertThat(all.chance()).isEqualTo(0.25);
        }
    }

    @Test
    void equallyLongEndingsLeaveTheLengthRuleAtChance() {
        var item = new MultipleChoice("s1-0", "Mia went to the park.", PLACES, 0);
        var uneven = new MultipleChoice("s2-0", "x", List.of("short.", "a longer one."), 1);
        try (TokenFile file = train("aaaa")) {
            assertThat(McBaselines.score(List.of(item), BYTES, 128, file).length()).isEqualTo(0.25);
            assertThat(McBaselines.score(List.of(uneven), BYTES, 128, file).length()).isZero();
        }
    }

    @Test
    void unigramPrefersTheEndingMadeOfFrequentTokens() {
        var item = new MultipleChoice("s1-0", "Mia went out.", PLACES, 3);
        // training text full of 's', 'h', 'e' and 'd': "shed" is the most probable place
        try (TokenFile file = train("shed shed shed " + String.join(" ", PLACES))) {
            assertThat(McBaselines.score(List.of(item), BYTES, 128, file).unigram()).isEqualTo(1.0);
        }
    }

    @Test
    void distinguishingPartDropsTheSharedPrefixAndSuffix() {
        int[][] endings = {BYTES.encode(" Now Mia was in the park."), BYTES.encode(" Now Mia was in the barn.")};
        assertThat(new String(toBytes(McBaselines.distinguishing(endings, 0)), StandardCharsets.UTF_8)).isEqualTo("park");
    }

    private static byte[] toBytes(int[] tokens) {
        byte[] bytes = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            bytes[i] = (byte) tokens[i];
        }
        return bytes;
    }
}
