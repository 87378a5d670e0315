package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.dlm4j.tensor.TestData.random;

import java.util.Map;

import org.dlm4j.kernels.Dropout;
import org.junit.jupiter.api.Test;

class NeuralOpsTest {
    private static final float EPS = 1e-5f;

    // ---- softmax family ----

    @Test
    void softmaxRowsSumToOneAndMatchComposition() {
        Tensor x = random(1, 2, 3, 7);
        float[] p = x.softmax().data();
        for (int row = 0; row < 6; row++) {
            double sum = 0;
            for (int c = 0; c < 7; c++) {
                sum += p[row * 7 + c];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-6));
        }
        TestData.assertSameFunction("softmax", x::softmax, () -> {
            Tensor e = x.exp();
            return e.div(e.sum(-1).reshape(2, 3, 1));
        }, 1e-5, x);
        TestData.assertSameFunction("logSoftmax", x::logSoftmax,
                () -> x.sub(x.exp().sum(-1).log().reshape(2, 3, 1)), 1e-5, x);
        GradCheck.check("softmax", x::softmax, x);
        GradCheck.check("logSoftmax", x::logSoftmax, x);
        Tensor single = random(2, 4, 1);
        GradCheck.check("softmax over size-1 axis", single::softmax, single);
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        Tensor x = Tensor.of(new float[] {1000, 1000, -1000}, 1, 3);
        assertThat(x.softmax().data()).containsExactly(0.5f, 0.5f, 0f);
        assertThat(x.logSoftmax().data()[0]).isCloseTo((float) -Math.log(2), within(1e-6f));
    }

    // ---- gelu ----

    @Test
    void geluMatchesTanhComposition() {
        assertThat(Tensor.of(new float[] {1f}, 1).gelu().item()).isCloseTo(0.841192f, within(1e-6f));
        Tensor x = TestData.uniform(3, -4f, 4f, 3, 5);
        float c = (float) Math.sqrt(2 / Math.PI);
        TestData.assertSameFunction("gelu", x::gelu, () -> x.mul(0.5f).mul(
                x.add(x.mul(x).mul(x).mul(0.044715f)).mul(c).tanh().add(Tensor.scalar(1f))), 1e-5, x);
        GradCheck.check("gelu", x::gelu, x);
    }

    // ---- layerNorm ----

    @Test
    void layerNormMatchesComposition() {
        Tensor x = random(4, 2, 3, 6);
        Tensor weight = random(5, 6);
        Tensor bias = random(6, 6);
        TestData.assertSameFunction("layerNorm", () -> x.layerNorm(weight, bias, EPS), () -> {
            Tensor centred = x.sub(x.mean(-1).reshape(2, 3, 1));
            Tensor variance = centred.mul(centred).mean(-1).reshape(2, 3, 1);
            Tensor std = variance.add(Tensor.scalar(EPS)).log().mul(0.5f).exp(); // sqrt
            return centred.div(std).mul(weight).add(bias);
        }, 1e-4, x, weight, bias);
        float[] normalised = x.layerNorm(null, null, EPS).data();
        double mean = 0;
        double square = 0;
        for (int c = 0; c < 6; c++) {
            mean += normalised[c] / 6.0;
            square += normalised[c] * normalised[c] / 6.0;
        }
        assertThat(mean).isCloseTo(0, within(1e-6));
        assertThat(square).isCloseTo(1, within(1e-4));
    }

    @Test
    void layerNormGradients() {
        Tensor x = random(7, 3, 5);
        Tensor weight = random(8, 5);
        Tensor bias = random(9, 5);
        GradCheck.check("layerNorm", () -> x.layerNorm(weight, bias, EPS), x, weight, bias);
        GradCheck.check("layerNorm without bias", () -> x.layerNorm(weight, null, EPS), x, weight);
        GradCheck.check("layerNorm without affine", () -> x.layerNorm(null, null, EPS), x);
        Tensor odd = random(10, 1, 2, 7);
        Tensor oddWeight = random(11, 7);
        GradCheck.check("layerNorm odd sizes", () -> odd.layerNorm(oddWeight, null, EPS), odd, oddWeight);
        assertThatThrownBy(() -> x.layerNorm(random(1, 4), null, EPS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be (5)");
    }

    // ---- embedding ----

    @Test
    void embeddingGathersRowsAndScatterAddsGradients() {
        Tensor table = random(12, 5, 3);
        int[] ids = {4, 0, 4, 2, 4, 1};
        Tensor picked = table.embedding(ids, 2, 3);
        assertThat(picked.shape()).containsExactly(2, 3, 3);
        assertThat(picked.data()[3]).isEqualTo(table.data()[0]);
        float[] oneHot = new float[6 * 5];
        for (int i = 0; i < 6; i++) {
            oneHot[i * 5 + ids[i]] = 1f;
        }
        TestData.assertSameFunction("embedding", () -> table.embedding(ids, 2, 3),
                () -> Tensor.of(oneHot, 2, 3, 5).matmul(table), 1e-6, table);
        GradCheck.check("embedding", () -> table.embedding(ids, 2, 3), table);
        assertThatThrownBy(() -> table.embedding(new int[] {5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedding index 5");
        assertThatThrownBy(() -> table.embedding(ids, 4, 2)).hasMessageContaining("do not fill");
    }

    // ---- attention ----

    @Test
    void attentionMatchesMatmulSoftmaxMatmul() {
        int[][] configs = {{2, 5, 6, 2}, {1, 4, 3, 1}, {3, 1, 4, 4}, {2, 7, 9, 3}}; // B, T, C, H
        long seed = 20;
        for (int[] config : configs) {
            for (boolean causal : new boolean[] {true, false}) {
                int b = config[0];
                int t = config[1];
                int c = config[2];
                int h = config[3];
                Tensor qkv = random(seed++, b, t, 3 * c);
                TestData.assertSameFunction("attention " + java.util.Arrays.toString(config) + " causal=" + causal,
                        () -> qkv.attention(h, causal), () -> composedAttention(qkv, b, t, c, h, causal), 1e-5, qkv);
                GradCheck.check("attention " + java.util.Arrays.toString(config) + " causal=" + causal,
                        () -> qkv.attention(h, causal), qkv);
            }
        }
    }

    @Test
    void causalAttentionIgnoresTheFuture() {
        Tensor qkv = random(30, 1, 4, 6);
        float[] before = qkv.attention(2, true).data().clone();
        float[] changed = qkv.data().clone();
        for (int i = 3 * 6; i < 4 * 6; i++) {
            changed[i] += 5f; // the last position's q, k, v
        }
        float[] after = Tensor.of(changed, 1, 4, 6).attention(2, true).data();
        for (int i = 0; i < 3 * 2; i++) {
            assertThat(after[i]).as("output of positions 0..2").isEqualTo(before[i]);
        }
        assertThatThrownBy(() -> qkv.attention(4, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not divisible");
        assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).attention(1, true)).hasMessageContaining("(B, T, 3C)");
    }

    /** Attention written with primitive ops, as in nanoGPT's non-flash path. */
    static Tensor composedAttention(Tensor qkv, int b, int t, int c, int h, boolean causal) {
        int hs = c / h;
        Tensor q = qkv.narrow(2, 0, c).reshape(b, t, h, hs).transpose(1, 2);     // (B, H, T, hs)
        Tensor k = qkv.narrow(2, c, c).reshape(b, t, h, hs).transpose(1, 2);     // (B, H, T, hs)
        Tensor v = qkv.narrow(2, 2 * c, c).reshape(b, t, h, hs).transpose(1, 2); // (B, H, T, hs)
        Tensor scores = q.matmul(k.transpose(2, 3)).mul((float) (1 / Math.sqrt(hs))); // (B, H, T, T)
        if (causal) {
            float[] mask = new float[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    mask[i * t + j] = -1e9f;
                }
            }
            scores = scores.add(Tensor.of(mask, t, t));
        }
        Tensor y = scores.softmax().matmul(v); // (B, H, T, hs)
        return y.transpose(1, 2).reshape(b, t, c);
    }

    // ---- rope ----

    @Test
    void ropeMatchesAnExplicitRotationMatrixPerPosition() {
        int[][] configs = {{2, 5, 8, 2, 0}, {1, 3, 4, 1, 6}, {3, 4, 12, 3, 1}}; // B, T, C, H, position offset
        long seed = 50;
        for (int[] config : configs) {
            int b = config[0];
            int t = config[1];
            int c = config[2];
            int h = config[3];
            int offset = config[4];
            Tensor qkv = random(seed++, b, t, 3 * c);
            Tensor rotation = rotationMatrices(t, c, h, offset);                      // (T, 3C, 3C)
            String name = "rope " + java.util.Arrays.toString(config);
            TestData.assertSameFunction(name, () -> qkv.rope(h, offset),
                    () -> qkv.transpose(0, 1).matmul(rotation).transpose(0, 1), 1e-5, qkv); // (B, T, 3C)
            GradCheck.check(name, () -> qkv.rope(h, offset), qkv);
        }
        assertThatThrownBy(() -> Tensor.zeros(1, 2, 4).rope(1, 0)).hasMessageContaining("(B, T, 3C)");
        assertThatThrownBy(() -> Tensor.zeros(1, 2, 18).rope(2, 0)).hasMessageContaining("must be even");
    }

    /**
     * Per position t, the (3C, 3C) matrix R_t with x R_t = rope(x) for a row vector x: for each head's
     * pair (i, i + hs/2) of q and of k, columns i and i + hs/2 hold (cos, -sin) and (sin, cos) of
     * (offset + t) * 10000^(-2i/hs); v's block is the identity.
     */
    private static Tensor rotationMatrices(int t, int c, int h, int offset) {
        int hs = c / h;
        int half = hs / 2;
        int width = 3 * c;
        float[] r = new float[t * width * width];
        for (int pos = 0; pos < t; pos++) {
            int base = pos * width * width;
            for (int part = 0; part < 2; part++) {
                for (int head = 0; head < h; head++) {
                    for (int i = 0; i < half; i++) {
                        double angle = (offset + pos) * Math.pow(10000, -2.0 * i / hs);
                        int first = part * c + head * hs + i;
                        int second = first + half;
                        r[base + first * width + first] = (float) Math.cos(angle);
                        r[base + second * width + first] = (float) -Math.sin(angle);
                        r[base + first * width + second] = (float) Math.sin(angle);
                        r[base + second * width + second] = (float) Math.cos(angle);
                    }
                }
            }
            for (int d = 2 * c; d < width; d++) {
                r[base + d * width + d] = 1f;
            }
        }
        return Tensor.of(r, t, width, width);
    }

    // ---- dropout ----

    @Test
    void dropoutIsIdentityAtZeroAndMatchesItsMask() {
        Tensor x = random(40, 4, 25);
        assertThat(x.dropout(0f, 7)).isSameAs(x);
        float p = 0.3f;
        float[] mask = new float[100];
        int dropped = 0;
        for (int i = 0; i < 100; i++) {
            mask[i] = Dropout.maskValue(7, i, p);
            dropped += mask[i] == 0f ? 1 : 0;
        }
        assertThat(dropped).isBetween(15, 45);
        TestData.assertSameFunction("dropout", () -> x.dropout(p, 7), () -> x.mul(Tensor.of(mask, 4, 25)), 0, x);
        assertThat(x.dropout(p, 8).data()).isNotEqualTo(x.dropout(p, 7).data());
        GradCheck.check("dropout", () -> x.dropout(p, 7), x);
        assertThatThrownBy(() -> x.dropout(1f, 7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1)");
    }

    // ---- cross-entropy ----

    @Test
    void crossEntropyValue() {
        Tensor logits = Tensor.of(new float[] {0, 0, 0, 0, 2, 0}, 2, 3);
        double expected = (Math.log(3) + (Math.log(2 + Math.exp(2)) - 2)) / 2;
        assertThat(logits.crossEntropy(new int[] {0, 1}).item()).isCloseTo((float) expected, within(1e-6f));
        float weighted = logits.crossEntropy(new int[] {0, -1}, new float[] {2f, 0f}, 4f).item();
        assertThat(weighted).isCloseTo((float) (2 * Math.log(3) / 4), within(1e-6f));
    }

    @Test
    void crossEntropyMatchesLogSoftmaxComposition() {
        Tensor logits = random(50, 6, 5);
        int[] targets = {1, 4, 0, -1, 3, 2};
        float[] weights = {1f, 0.5f, 2f, 0f, 0f, 1.5f};
        float normaliser = 3.5f;
        float[] picked = new float[6 * 5];
        for (int i = 0; i < 6; i++) {
            if (weights[i] != 0f) {
                picked[i * 5 + targets[i]] = weights[i];
            }
        }
        TestData.assertSameFunction("crossEntropy", () -> logits.crossEntropy(targets, weights, normaliser),
                () -> logits.logSoftmax().mul(Tensor.of(picked, 6, 5)).sum().mul(-1f / normaliser), 1e-5, logits);
        GradCheck.check("crossEntropy weighted with zero weights",
                () -> logits.crossEntropy(targets, weights, normaliser), logits);
        int[] all = {1, 4, 0, 2, 3, 2};
        GradCheck.check("crossEntropy mean", () -> logits.crossEntropy(all), logits);
        Tensor batched = random(51, 2, 3, 4);
        GradCheck.check("crossEntropy over (B, T, V)", () -> batched.crossEntropy(new int[] {0, 1, 2, 3, 0, 1},
                null, 6f), batched);
        logits.zeroGrad();
        logits.crossEntropy(targets, weights, normaliser).backward();
        for (int c = 0; c < 5; c++) {
            assertThat(logits.grad()[3 * 5 + c]).as("ignored row gets no gradient").isZero();
        }
    }

    @Test
    void crossEntropyErrors() {
        Tensor logits = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> logits.crossEntropy(new int[] {0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 targets for 2 rows");
        assertThatThrownBy(() -> logits.crossEntropy(new int[] {0, 3})).hasMessageContaining("target 3");
        assertThatThrownBy(() -> logits.crossEntropy(new int[] {0, 1}, new float[] {1}, 1f))
                .hasMessageContaining("1 weights");
        assertThatThrownBy(() -> logits.crossEntropy(new int[] {0, 1}, null, 0f)).hasMessageContaining("normaliser");
    }

    @Test
    void everyFusedOpPassesTheCheckerTogether() {
        // One small graph through all fused ops, checked at once with named arguments.
        Tensor table = random(60, 7, 6);
        Tensor qkvWeight = random(61, 18, 6).mul(0.3f).detach();
        Tensor lnWeight = random(62, 6);
        int[] ids = {1, 5, 6, 0, 2, 2};
        GradCheck.check("embedding -> layerNorm -> linear -> attention -> gelu -> crossEntropy", () -> {
            Tensor x = table.embedding(ids, 2, 3).layerNorm(lnWeight, null, EPS);     // (2, 3, 6)
            Tensor y = x.linear(qkvWeight, null).attention(2, true).gelu();           // (2, 3, 6)
            return y.reshape(6, 6).crossEntropy(new int[] {0, 1, 2, 3, 4, 5}, null, 6f);
        }, Map.of("table", table, "qkvWeight", qkvWeight, "lnWeight", lnWeight));
    }
}
