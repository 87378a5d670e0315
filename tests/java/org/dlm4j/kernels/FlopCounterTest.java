package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlopCounterTest {

    @AfterEach
    void stopCounting() {
        FlopCounter.disable();
        FlopCounter.reset();
    }

    @Test
    void countsTwoFlopsPerMultiplyAddOnlyWhileEnabled() {
        float[] a = new float[3 * 4 * 5];
        float[] b = new float[3 * 5 * 2];
        float[] c = new float[3 * 4 * 2];
        Matmul.ab(a, 0, b, 0, c, 0, 4, 5, 2, false);
        assertThat(FlopCounter.get()).isZero();
        FlopCounter.enable();
        Matmul.ab(a, 0, b, 0, c, 0, 4, 5, 2, false);
        assertThat(FlopCounter.get()).isEqualTo(2 * 4 * 5 * 2);
        Matmul.abT(3, a, b, c, 4, 5, 2, true);
        Matmul.aTb(a, 0, b, 0, c, 0, 4, 5, 2, true);
        assertThat(FlopCounter.get()).isEqualTo(80 + 3 * 80 + 80);
        FlopCounter.reset();
        assertThat(FlopCounter.get()).isZero();
    }

    @Test
    void attentionCountsTheVisitedPairsForwardAndBackward() {
        int batch = 2;
        int time = 5;
        int channels = 8;
        float[] qkv = new float[batch * time * 3 * channels];
        float[] out = new float[batch * time * channels];
        float[] probs = new float[batch * 2 * time * time];
        FlopCounter.enable();
        Attention.forward(qkv, out, probs, batch, time, channels, 2, true);
        long causal = 2L * 2 * batch * channels * 15;       // 2 products, 15 = 5·6/2 pairs
        assertThat(FlopCounter.get()).isEqualTo(causal);
        FlopCounter.reset();
        Attention.forward(qkv, out, probs, batch, time, channels, 2, false);
        Attention.backward(out, qkv, probs, new float[qkv.length], batch, time, channels, 2, false);
        assertThat(FlopCounter.get()).isEqualTo(6L * 2 * batch * channels * 25);
    }
}
