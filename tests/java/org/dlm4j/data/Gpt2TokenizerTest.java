package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Gpt2TokenizerTest {
    private final Gpt2Tokenizer tokenizer = new Gpt2Tokenizer();

    @Test
    void encodesWellKnownGpt2Ids() {
        assertThat(tokenizer.encode("Hello")).containsExactly(15496);
        assertThat(tokenizer.encode("Hello world")).containsExactly(15496, 995);
    }

    @Test
    void hasPaddedVocabAndOurMaskAfterEndOfText() {
        assertThat(tokenizer.vocabSize()).isEqualTo(50304);
        assertThat(tokenizer.endOfTextId()).isEqualTo(50256);
        assertThat(tokenizer.maskId()).isEqualTo(50257);
        assertThat(Tokenizers.byName("gpt2").name()).isEqualTo("gpt2");
    }

    @Test
    void roundTripsAndRendersSpecials() {
        String text = "Once upon a time, Zoë found 3 apples 🍎.\n";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
        assertThat(tokenizer.encode("<|endoftext|>")).doesNotContain(50256);
        assertThat(tokenizer.decode(new int[] {15496, 50256, 50257, 50300}))
                .isEqualTo("Hello<|endoftext|><|mask|><|unused|>");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {50304})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void factoryRejectsUnknownNamesAndMisplacedFiles() {
        assertThatThrownBy(() -> Tokenizers.byName("chars")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown tokenizer 'chars' (expected bytes, bpe or gpt2)");
        assertThatThrownBy(() -> Tokenizers.byName("bpe")).hasMessageContaining("needs its tokenizer JSON file");
        assertThatThrownBy(() -> Tokenizers.byName("bytes", java.nio.file.Path.of("x.json")))
                .hasMessageContaining("takes no tokenizer file");
    }
}
