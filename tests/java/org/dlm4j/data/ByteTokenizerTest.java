package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void idsAreUtf8Bytes() {
        assertThat(tokenizer.encode("Hé")).containsExactly(72, 0xC3, 0xA9);
        assertThat(tokenizer.vocabSize()).isEqualTo(258);
        assertThat(tokenizer.endOfTextId()).isEqualTo(256);
        assertThat(tokenizer.maskId()).isEqualTo(257);
        assertThat(tokenizer.name()).isEqualTo("bytes");
    }

    @Test
    void roundTripsAnyText() {
        String text = "Once upon a time 🦊 — naïve 日本語\n\ttabs & \"quotes\"";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void decodesSpecialsAsMarkersAndBadBytesAsReplacement() {
        assertThat(tokenizer.decode(new int[] {65, 256, 66, 257})).isEqualTo("A<|endoftext|>B<|mask|>");
        assertThat(tokenizer.decode(new int[] {0xC3})).isEqualTo("\uFFFD");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {258}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("258");
    }
}
