package org.dlm4j.model;

import org.dlm4j.nn.NnTestData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.kernels.Rng;
import org.dlm4j.nn.Parameter;
import org.dlm4j.tensor.GradCheck;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TransformerTest {
    private static final TransformerConfig TINY = new TransformerConfig(11, 6, 8, 2, 2, 2, 0f, true, true, false,
            PositionEncoding.LEARNED);

    @Test
    void parameterNamesAndShapesOfATwoLayerModel() {
        Transformer model = new Transformer(TINY, new Rng(1));
        Map<String, List<Integer>> expected = new LinkedHashMap<>();
        expected.put("token_embedding.weight", List.of(11, 8));
        expected.put("position_embedding.weight", List.of(6, 8));
        for (int i = 0; i < 2; i++) {
            String b = "blocks." + i + ".";
            expected.put(b + "ln1.weight", List.of(8));
            expected.put(b + "ln1.bias", List.of(8));
            expected.put(b + "attn.qkv.weight", List.of(24, 8));
            expected.put(b + "attn.qkv.bias", List.of(24));
            expected.put(b + "attn.proj.weight", List.of(8, 8));
            expected.put(b + "attn.proj.bias", List.of(8));
            expected.put(b + "ln2.weight", List.of(8));
            expected.put(b + "ln2.bias", List.of(8));
            expected.put(b + "mlp.fc.weight", List.of(16, 8));
            expected.put(b + "mlp.fc.bias", List.of(16));
            expected.put(b + "mlp.proj.weight", List.of(8, 16));
            expected.put(b + "mlp.proj.bias", List.of(8));
        }
        expected.put("ln_f.weight", List.of(8));
        expected.put("ln_f.bias", List.of(8));
        expected.put("head.weight", List.of(11, 8));

        Map<String, List<Integer>> actual = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> actual.put(name, shape(p)));
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void tiedHeadHasNoHeadWeightAndUsesTheTokenTable() {
        Transformer tied = new Transformer(TINY.withTiedHead(true), new Rng(1));
        List<String> names = new ArrayList<>(tied.namedParameters().keySet());
        assertThat(names).doesNotContain("head.weight").endsWith("ln_f.weight", "ln_f.bias");
        assertThat(names.getFirst()).isEqualTo("token_embedding.weight");

        // Changing the token table moves the logits of a token the input does not contain: only via the head.
        int[] tokens = {0, 1, 2};
        float before = tied.forward(tokens, 1, 3, null).data()[10];
        float[] table = tied.namedParameters().get("token_embedding.weight").data();
        for (int c = 0; c < 8; c++) {
            table[10 * 8 + c] += 1f;
        }
        assertThat(tied.forward(tokens, 1, 3, null).data()[10]).isNotEqualTo(before);
    }

    @Test
    void parameterCountMatchesTheAnalyticCount() {
        for (boolean bias : new boolean[] {true, false}) {
            for (boolean tied : new boolean[] {true, false}) {
                TransformerConfig config = new TransformerConfig(13, 7, 12, 3, 3, 4, 0f, false, bias, tied,
                        PositionEncoding.LEARNED);
                Transformer model = new Transformer(config, new Rng(2));
                assertThat(model.numParameters()).as("bias=%s tied=%s", bias, tied)
                        .isEqualTo(config.numParameters());
                if (!bias) {
                    assertThat(model.namedParameters().keySet()).noneMatch(name -> name.endsWith(".bias"));
                }
            }
        }
        // By hand for TINY: V*C + T*C + 2 * block + ln_f + head,
        // block = ln1 16 + qkv 24*8+24 + proj 64+8 + ln2 16 + fc 16*8+16 + proj 8*16+8 = 600.
        assertThat(new Transformer(TINY, new Rng(3)).numParameters()).isEqualTo(88 + 48 + 2 * 600 + 16 + 88);
    }

    @Test
    void logitsHaveShapeBTV() {
        Transformer model = new Transformer(TINY, new Rng(4));
        Tensor logits = model.forward(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4, null);
        assertThat(logits.shape()).containsExactly(2, 4, 11);
        assertThat(model.config()).isEqualTo(TINY);
    }

    @Test
    void badInputGetsAClearError() {
        Transformer model = new Transformer(TINY, new Rng(4));
        assertThatThrownBy(() -> model.forward(new int[14], 2, 7, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("length 7 exceeds contextLength 6");
        assertThatThrownBy(() -> model.forward(new int[5], 2, 3, null))
                .hasMessage("5 tokens do not fill B=2 x T=3");
        assertThatThrownBy(() -> model.forward(new int[] {0, 11}, 1, 2, null))
                .hasMessage("token id 11 at position 1 is outside [0, 11)");
        Transformer withDropout = new Transformer(TINY.withDropout(0.1f), new Rng(4));
        assertThatThrownBy(() -> withDropout.forward(new int[] {0, 1}, 1, 2, null)).hasMessageContaining("needs an Rng");
    }

    @Test
    void causalLogitsIgnoreLaterTokensAndBidirectionalOnesDoNot() {
        int[] a = {3, 1, 4, 1, 5, 9};
        int[] b = {3, 1, 4, 2, 6, 5}; // differs from position 3 on
        for (boolean causal : new boolean[] {true, false}) {
            Transformer model = new Transformer(TINY.withCausal(causal), new Rng(5));
            NnTestData.randomize(model, 6, 0.5f);
            float[] la = model.forward(a, 1, 6, null).data();
            float[] lb = model.forward(b, 1, 6, null).data();
            int prefix = 3 * 11; // logits of positions 0..2
            boolean samePrefix = true;
            for (int i = 0; i < prefix; i++) {
                samePrefix &= la[i] == lb[i];
            }
            assertThat(samePrefix).as("causal=%s: positions before the change are unchanged", causal)
                    .isEqualTo(causal);
            assertThat(la[prefix + 5]).as("the changed position itself").isNotEqualTo(lb[prefix + 5]);
        }
    }

    @Test
    void positionsMatter() {
        Transformer model = new Transformer(TINY.withCausal(false), new Rng(7));
        NnTestData.randomize(model, 8, 0.5f);
        float[] logits = model.forward(new int[] {2, 2}, 1, 2, null).data();
        // Same token at both positions of a bidirectional model: only the position table tells them apart.
        assertThat(logits[0]).isNotEqualTo(logits[11]);
    }

    @Test
    void rotaryPositionsHaveNoTableYetTellPositionsApart() {
        TransformerConfig rope = TINY.withCausal(false).withPositions(PositionEncoding.ROPE);
        Transformer model = new Transformer(rope, new Rng(7));
        assertThat(model.namedParameters()).doesNotContainKey("position_embedding.weight")
                .containsKey("blocks.1.attn.qkv.weight");
        assertThat(model.numParameters()).isEqualTo(rope.numParameters())
                .isEqualTo(TINY.numParameters() - 6 * 8);
        NnTestData.randomize(model, 8, 0.5f);
        // Without any position signal a bidirectional model is permutation-equivariant: swapping two
        // tokens would swap their logits. Rotary scores depend on the distance, so here it does not.
        float[] logits = model.forward(new int[] {2, 5, 7}, 1, 3, null).data();    // (1, 3, V)
        float[] swapped = model.forward(new int[] {7, 5, 2}, 1, 3, null).data();   // positions 0 and 2 swapped
        double largest = 0;
        for (int v = 0; v < 11; v++) {
            largest = Math.max(largest, Math.abs(logits[v] - swapped[2 * 11 + v]));
        }
        assertThat(largest).isGreaterThan(1e-3);
        assertThatThrownBy(() -> new TransformerConfig(11, 6, 6, 1, 2, 2, 0f, true, true, false,
                PositionEncoding.ROPE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("even head size");
    }

    @Test
    void gradientsOfAFewParametersMatchCentralDifferences() {
        for (boolean causal : new boolean[] {true, false}) {
            TransformerConfig config = new TransformerConfig(5, 4, 4, 1, 2, 2, 0.25f, causal, true, false,
                    PositionEncoding.LEARNED);
            Transformer model = new Transformer(config, new Rng(9));
            NnTestData.randomize(model, 10, 0.5f);
            Map<String, Parameter> all = model.namedParameters();
            Map<String, Parameter> some = new LinkedHashMap<>();
            for (String name : List.of("token_embedding.weight", "position_embedding.weight",
                    "blocks.0.attn.qkv.bias", "blocks.0.mlp.fc.weight", "ln_f.weight", "head.weight")) {
                some.put(name, all.get(name));
            }
            int[] tokens = {1, 4, 0, 2, 3, 3, 1, 0};
            // A fresh Rng with the same seed per evaluation: the same dropout masks every time.
            GradCheck.check("Transformer causal=" + causal, () -> model.forward(tokens, 2, 4, new Rng(11)), some);

            Transformer rope = new Transformer(config.withPositions(PositionEncoding.ROPE), new Rng(9));
            NnTestData.randomize(rope, 10, 0.5f);
            Map<String, Parameter> ropeParameters = new LinkedHashMap<>();
            for (String name : List.of("token_embedding.weight", "blocks.0.attn.qkv.weight",
                    "blocks.0.attn.qkv.bias", "head.weight")) {
                ropeParameters.put(name, rope.namedParameters().get(name));
            }
            GradCheck.check("Transformer rope causal=" + causal, () -> rope.forward(tokens, 2, 4, new Rng(11)),
                    ropeParameters);
        }
    }

    @Test
    void sameSeedGivesTheSameWeightsAndLogits() {
        Transformer first = new Transformer(TINY, new Rng(12));
        Transformer second = new Transformer(TINY, new Rng(12));
        int[] tokens = {1, 2, 3, 4};
        assertThat(first.forward(tokens, 1, 4, null).data()).containsExactly(second.forward(tokens, 1, 4, null).data());
        assertThat(first.namedParameters().get("blocks.1.attn.proj.weight").data())
                .containsExactly(second.namedParameters().get("blocks.1.attn.proj.weight").data());
    }

    @Test
    void initFollowsGpt2() {
        TransformerConfig config = new TransformerConfig(50, 32, 64, 8, 4, 4, 0f, true, true, false,
                PositionEncoding.LEARNED);
        Map<String, Parameter> p = new Transformer(config, new Rng(13)).namedParameters();
        assertThat(NnTestData.std(p.get("token_embedding.weight").data())).isCloseTo(0.02, org.assertj.core.data.Offset.offset(0.002));
        assertThat(NnTestData.std(p.get("blocks.0.mlp.proj.weight").data()))
                .isCloseTo(0.02 / Math.sqrt(16), org.assertj.core.data.Offset.offset(0.0005));
        assertThat(p.get("ln_f.weight").data()).containsOnly(1f);
        assertThat(p.get("blocks.3.attn.qkv.bias").data()).containsOnly(0f);
    }

    private static List<Integer> shape(Tensor t) {
        List<Integer> out = new ArrayList<>();
        for (int d : t.shape()) {
            out.add(d);
        }
        return out;
    }
}
