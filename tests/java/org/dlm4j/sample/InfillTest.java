package org.dlm4j.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dlm4j.data.ByteTokenizer;
import org.junit.jupiter.api.Test;

class InfillTest {
    private final ByteTokenizer bytes = new ByteTokenizer();

    @Test
    void spansBecomeThatManyMaskIdsBetweenTheEncodedText() {
        Infill infill = Infill.parse("The cat [MASK:5] the mat", bytes);
        assertThat(infill.masked()).isEqualTo(5);
        assertThat(infill.tokens()).hasSize(8 + 5 + 8);
        assertThat(bytes.decode(java.util.Arrays.copyOf(infill.tokens(), 8))).isEqualTo("The cat ");
        for (int i = 8; i < 13; i++) {
            assertThat(infill.tokens()[i]).isEqualTo(ByteTokenizer.MASK);
        }
        assertThat(bytes.decode(java.util.Arrays.copyOfRange(infill.tokens(), 13, 21))).isEqualTo(" the mat");

        Infill two = Infill.parse("[MASK]a[MASK:2]", bytes);
        assertThat(two.tokens()).containsExactly(ByteTokenizer.MASK, 'a', ByteTokenizer.MASK, ByteTokenizer.MASK);
        assertThat(two.masked()).isEqualTo(3);
    }

    @Test
    void rejectsTextsWithoutOrWithBrokenSpans() {
        assertThatThrownBy(() -> Infill.parse("no span here", bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the infill text has no [MASK:N] span to fill");
        assertThatThrownBy(() -> Infill.parse("a [MASK:x] b", bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed mask span '[MASK:x]'");
        assertThatThrownBy(() -> Infill.parse("a [MASK:0] b", bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one token");
    }
}
