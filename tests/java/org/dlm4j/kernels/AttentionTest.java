package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AttentionTest {

    @Test
    void forwardMatchesNaiveDoublePrecision() {
        int batch = 2;
        int time = 5;
        int channels = 6;
        int heads = 3;
        int hs = channels / heads;
        float[] qkv = KernelTestData.gaussian(6, batch * time * 3 * channels);
        for (boolean causal : new boolean[] {true, false}) {
            float[] out = new float[batch * time * channels];
            float[] probs = new float[batch * heads * time * time];
            Attention.forward(qkv, out, probs, batch, time, channels, heads, causal);
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < time; i++) {
                        double[] scores = new double[time];
                        double sum = 0;
                        for (int j = 0; j < time; j++) {
                            if (causal && j > i) {
                                continue;
                            }
                            double dot = 0;
                            for (int d = 0; d < hs; d++) {
                                dot += qkv[(b * time + i) * 3 * channels + h * hs + d]
                                        * qkv[(b * time + j) * 3 * channels + channels + h * hs + d];
                            }
                            scores[j] = Math.exp(dot / Math.sqrt(hs));
                            sum += scores[j];
                        }
                        double rowTotal = 0;
                        for (int j = 0; j < time; j++) {
                            float p = probs[((b * heads + h) * time + i) * time + j];
                            assertThat((double) p).isCloseTo(scores[j] / sum, within(1e-6));
                            rowTotal += p;
                        }
                        assertThat(rowTotal).isCloseTo(1, within(1e-6));
                        for (int d = 0; d < hs; d++) {
                            double expected = 0;
                            for (int j = 0; j < time; j++) {
                                expected += scores[j] / sum * qkv[(b * time + j) * 3 * channels + 2 * channels + h * hs + d];
                            }
                            assertThat((double) out[(b * time + i) * channels + h * hs + d]).isCloseTo(expected, within(1e-5));
                        }
                    }
                }
            }
        }
    }

    @Test
    void backwardAddsIntoTheGradient() {
        int n = 1 * 3 * 3 * 4;
        float[] qkv = KernelTestData.gaussian(7, n);
        float[] out = new float[3 * 4];
        float[] probs = new float[2 * 9];
        Attention.forward(qkv, out, probs, 1, 3, 4, 2, true);
        float[] dout = KernelTestData.gaussian(8, out.length);
        float[] fresh = new float[n];
        Attention.backward(dout, qkv, probs, fresh, 1, 3, 4, 2, true);
        float[] prefilled = new float[n];
        java.util.Arrays.fill(prefilled, 1f);
        Attention.backward(dout, qkv, probs, prefilled, 1, 3, 4, 2, true);
        for (int i = 0; i < n; i++) {
            assertThat(prefilled[i]).isCloseTo(fresh[i] + 1f, within(1e-6f));
        }
        assertThatThrownBy(() -> Attention.forward(qkv, out, probs, 1, 3, 4, 3, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of numHeads");
    }
}
