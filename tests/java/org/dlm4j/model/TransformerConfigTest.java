package org.dlm4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransformerConfigTest {

    private static TransformerConfig config(int vocab, int context, int dModel, int layers, int heads, int ratio,
                                            float dropout) {
        return new TransformerConfig(vocab, context, dModel, layers, heads, ratio, dropout, true, true, false,
                PositionEncoding.LEARNED);
    }

    @Test
    void rejectsBadSizesWithTheirName() {
        assertThatThrownBy(() -> config(0, 8, 8, 1, 2, 4, 0f)).hasMessageContaining("vocabSize must be positive, got 0");
        assertThatThrownBy(() -> config(5, -1, 8, 1, 2, 4, 0f)).hasMessageContaining("contextLength must be positive");
        assertThatThrownBy(() -> config(5, 8, 0, 1, 2, 4, 0f)).hasMessageContaining("dModel must be positive");
        assertThatThrownBy(() -> config(5, 8, 8, 0, 2, 4, 0f)).hasMessageContaining("numLayers must be positive");
        assertThatThrownBy(() -> config(5, 8, 8, 1, 0, 4, 0f)).hasMessageContaining("numHeads must be positive");
        assertThatThrownBy(() -> config(5, 8, 8, 1, 2, 0, 0f)).hasMessageContaining("mlpRatio must be positive");
        assertThatThrownBy(() -> config(5, 8, 10, 1, 4, 4, 0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dModel 10 must be divisible by numHeads 4");
        assertThatThrownBy(() -> config(5, 8, 8, 1, 2, 4, 1f)).hasMessage("dropout must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> config(5, 8, 8, 1, 2, 4, -0.1f)).hasMessageContaining("dropout must be in [0, 1)");
        assertThatThrownBy(() -> config(5, 8, 8, 1, 2, 4, Float.NaN)).hasMessageContaining("dropout must be in [0, 1)");
    }

    @Test
    void headSizeAndWithers() {
        TransformerConfig c = config(5, 8, 12, 1, 3, 4, 0.1f);
        assertThat(c.headSize()).isEqualTo(4);
        assertThat(c.causal()).isTrue();
        TransformerConfig bidirectional = c.withCausal(false);
        assertThat(bidirectional.causal()).isFalse();
        assertThat(bidirectional.withCausal(true)).isEqualTo(c);
        assertThat(c.withDropout(0f).dropout()).isZero();
        assertThat(c.withTiedHead(true).tiedHead()).isTrue();
        assertThat(c.blockConfig().channels()).isEqualTo(12);
        assertThat(bidirectional.blockConfig().causal()).isFalse();
    }

    @Test
    void presets() {
        TransformerConfig tiny = TransformerConfig.preset("tiny", 258);
        assertThat(tiny).isEqualTo(new TransformerConfig(258, 64, 64, 2, 4, 4, 0f, true, true, false,
                PositionEncoding.ROPE));
        TransformerConfig small = TransformerConfig.preset("small", 258);
        assertThat(small.positions()).isEqualTo(PositionEncoding.ROPE);
        assertThat(small.numParameters()).isGreaterThan(tiny.numParameters());
        TransformerConfig reference = TransformerConfig.preset("reference", 258);
        assertThat(reference).isEqualTo(new TransformerConfig(258, 128, 256, 4, 4, 4, 0f, true, true, false,
                PositionEncoding.LEARNED));
        assertThat(reference.numParameters()).isGreaterThan(small.numParameters());
        TransformerConfig paper = TransformerConfig.preset("paper-1b", TransformerConfig.PAPER_VOCAB_SIZE);
        assertThat(paper).isEqualTo(new TransformerConfig(50304, 4096, 2048, 24, 16, 4, 0f, true, true, false,
                PositionEncoding.LEARNED));
        assertThat(paper.headSize()).isEqualTo(128);
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        assertThatThrownBy(() -> TransformerConfig.preset("huge", 258))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model preset 'huge'; known presets: tiny, small, reference, paper-1b");
        assertThatThrownBy(() -> TransformerConfig.preset(null, 258)).hasMessageContaining("known presets");
    }

    @Test
    void referenceModelHasAbout3Point3MillionParameters() {
        // By hand, C = 256, r = 4, T = 128, V = 258, biases, untied head:
        // block = 2*(2*256) + (3*256*256 + 3*256) + (256*256 + 256) + (1024*256 + 1024) + (1024*256 + 256) = 789760
        long expected = 4 * 789_760L + 258 * 256 + 128 * 256 + 2 * 256 + 258 * 256;
        assertThat(expected).isEqualTo(3_324_416L);
        assertThat(TransformerConfig.preset("reference", 258).numParameters()).isEqualTo(expected);
        assertThat(TransformerConfig.preset("reference", 258).withTiedHead(true).numParameters())
                .isEqualTo(expected - 258 * 256);
    }

    @Test
    void paperModelCountsItsBillion() {
        TransformerConfig paper = TransformerConfig.preset("paper-1b", TransformerConfig.PAPER_VOCAB_SIZE);
        long c = 2048;
        long block = 12 * c * c + 13 * c; // 2 LNs 4C, qkv 3C^2+3C, proj C^2+C, fc 4C^2+4C, proj 4C^2+C
        assertThat(paper.numNonEmbeddingParameters()).isEqualTo(24 * block + 2 * c + 50304 * c);
        assertThat(paper.numEmbeddingParameters()).isEqualTo(50304 * c + 4096 * c);
        assertThat(paper.numParameters()).isBetween(1_400_000_000L, 1_450_000_000L);
    }
}
