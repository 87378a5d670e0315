package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link FastAttention} against the reference loops of {@link Attention}, on shapes that exercise
 * its blocks: T not a multiple of the causal block, T above the full block, T a multiple of the
 * panel width (packed once per pair) or not, head sizes below and
 * above one vector; and its thread-count determinism.
 */
class FastAttentionTest {

    @Test
    void matchesTheReferenceForwardAndBackward() {
        int[][] shapes = {{2, 70, 48, 3}, {1, 150, 32, 4}, {3, 33, 64, 2}, {1, 5, 6, 3}, {2, 64, 128, 2}, {1, 160, 64, 4}, {1, 160, 64, 2}};
        for (int[] shape : shapes) {
            for (boolean causal : new boolean[] {true, false}) {
                Run reference = run(KernelMode.REFERENCE, shape, causal);
                Run fast = run(KernelMode.FAST, shape, causal);
                String name = java.util.Arrays.toString(shape) + (causal ? " causal" : " bidirectional");
                assertClose(name + " out", fast.out, reference.out, 1e-5f);
                assertClose(name + " probs", fast.probs, reference.probs, 1e-6f);
                assertClose(name + " dqkv", fast.dqkv, reference.dqkv, 2e-5f);
                if (causal) {
                    int time = shape[1];
                    for (int row = 0; row < fast.probs.length / time; row++) {
                        for (int j = row % time + 1; j < time; j++) {
                            assertThat(fast.probs[row * time + j]).as(name + " masked prob").isZero();
                        }
                    }
                }
            }
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        int saved = Parallel.threads();
        try {
            for (boolean causal : new boolean[] {true, false}) {
                Parallel.setThreads(1);
                Run single = run(KernelMode.FAST, new int[] {4, 96, 128, 2}, causal);
                Parallel.setThreads(2);
                Run dual = run(KernelMode.FAST, new int[] {4, 96, 128, 2}, causal);
                assertThat(dual.out).containsExactly(single.out);
                assertThat(dual.probs).containsExactly(single.probs);
                assertThat(dual.dqkv).containsExactly(single.dqkv);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void backwardAddsIntoWhatIsThere() {
        int[] shape = {2, 40, 32, 2};
        Run fresh = run(KernelMode.FAST, shape, true);
        float[] prefilled = new float[fresh.dqkv.length];
        java.util.Arrays.fill(prefilled, 0.5f);
        Attention.backward(fresh.dout, fresh.qkv, fresh.probs, prefilled, 2, 40, 32, 2, true);
        for (int i = 0; i < prefilled.length; i++) {
            assertThat(prefilled[i]).isCloseTo(fresh.dqkv[i] + 0.5f, within(1e-6f));
        }
    }

    private record Run(float[] qkv, float[] dout, float[] out, float[] probs, float[] dqkv) {
    }

    /** shape = {B, T, C, H}. */
    private static Run run(KernelMode mode, int[] shape, boolean causal) {
        int batch = shape[0];
        int time = shape[1];
        int channels = shape[2];
        int heads = shape[3];
        KernelMode saved = KernelMode.current();
        KernelMode.set(mode);
        try {
            float[] qkv = KernelTestData.gaussian(21, batch * time * 3 * channels);
            float[] dout = KernelTestData.gaussian(22, batch * time * channels);
            float[] out = new float[batch * time * channels];
            float[] probs = new float[batch * heads * time * time];
            java.util.Arrays.fill(probs, Float.NaN); // every entry must be written, masked ones as 0
            float[] dqkv = new float[qkv.length];
            Attention.forward(qkv, out, probs, batch, time, channels, heads, causal);
            Attention.backward(dout, qkv, probs, dqkv, batch, time, channels, heads, causal);
            return new Run(qkv, dout, out, probs, dqkv);
        } finally {
            KernelMode.set(saved);
        }
    }

    private static void assertClose(String name, float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as(name + " [" + i + "]")
                    .isCloseTo(expected[i], within(tolerance * Math.max(1f, Math.abs(expected[i]))));
        }
    }
}
