package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class RopeTest {

    @Test
    void rotatesEachPairByPositionTimesFrequency() {
        // C 4, one head, hs 4, half 2: inv_freq = (1, 10000^(-1/2) = 0.01); the token at position 3
        int time = 4;
        float[] qkv = new float[time * 12];
        int row = 3 * 12;
        float[] q = {1f, 2f, 3f, 4f};
        System.arraycopy(q, 0, qkv, row, 4);           // q
        System.arraycopy(q, 0, qkv, row + 4, 4);       // k
        float[] v = {5f, 6f, 7f, 8f};
        System.arraycopy(v, 0, qkv, row + 8, 4);
        float[] out = new float[qkv.length];
        Rope.forward(qkv, out, 1, time, 4, 1, 0);
        double[] angle = {3.0, 0.03};
        double[] expected = {
            1 * Math.cos(angle[0]) - 3 * Math.sin(angle[0]),
            2 * Math.cos(angle[1]) - 4 * Math.sin(angle[1]),
            1 * Math.sin(angle[0]) + 3 * Math.cos(angle[0]),
            2 * Math.sin(angle[1]) + 4 * Math.cos(angle[1])};
        for (int part = 0; part < 2; part++) {
            for (int d = 0; d < 4; d++) {
                assertThat((double) out[row + part * 4 + d]).isCloseTo(expected[d], within(1e-6));
            }
        }
        assertThat(Arrays.copyOfRange(out, row + 8, row + 12)).containsExactly(v);
        assertThat(Arrays.copyOfRange(out, 0, 4)).containsExactly(0f, 0f, 0f, 0f);
    }

    @Test
    void positionZeroIsTheIdentityAndLengthsArePreserved() {
        int batch = 2;
        int time = 6;
        int channels = 12;
        float[] qkv = KernelTestData.gaussian(3, batch * time * 3 * channels);
        float[] out = new float[qkv.length];
        Rope.forward(qkv, out, batch, time, channels, 3, 0);
        for (int b = 0; b < batch; b++) {
            int row0 = b * time * 3 * channels;
            assertThat(Arrays.copyOfRange(out, row0, row0 + 3 * channels))
                    .containsExactly(Arrays.copyOfRange(qkv, row0, row0 + 3 * channels));
        }
        for (int r = 0; r < batch * time; r++) {
            for (int part = 0; part < 2; part++) {
                for (int h = 0; h < 3; h++) {
                    int x = r * 3 * channels + part * channels + h * 4;
                    for (int i = 0; i < 2; i++) {
                        double before = Math.hypot(qkv[x + i], qkv[x + i + 2]);
                        double after = Math.hypot(out[x + i], out[x + i + 2]);
                        assertThat(after).isCloseTo(before, within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void scoresDependOnlyOnRelativePosition() {
        // q at position m and k at position n: q_m · k_n = q · R(n - m) k, so shifting both keeps the dot product
        int channels = 8;
        int time = 12;
        float[] qkv = new float[time * 3 * channels];
        float[] q = KernelTestData.gaussian(8, channels);
        float[] k = KernelTestData.gaussian(9, channels);
        for (int t = 0; t < time; t++) {
            System.arraycopy(q, 0, qkv, t * 3 * channels, channels);
            System.arraycopy(k, 0, qkv, t * 3 * channels + channels, channels);
        }
        float[] out = new float[qkv.length];
        Rope.forward(qkv, out, 1, time, channels, 1, 0);
        double near = dot(out, 2 * 3 * channels, 5 * 3 * channels + channels, channels);
        double far = dot(out, 8 * 3 * channels, 11 * 3 * channels + channels, channels);
        assertThat(far).isCloseTo(near, within(1e-4));
    }

    @Test
    void backwardIsTheTransposeOfForwardAndAccumulates() {
        int batch = 2;
        int time = 5;
        int channels = 8;
        int heads = 2;
        float[] x = KernelTestData.gaussian(4, batch * time * 3 * channels);
        float[] dout = KernelTestData.gaussian(5, x.length);
        float[] y = new float[x.length];
        Rope.forward(x, y, batch, time, channels, heads, 7);
        float[] dx = new float[x.length];
        Arrays.fill(dx, 0.5f);
        Rope.backward(dout, dx, batch, time, channels, heads, 7);
        // <dout, R x> = <Rᵀ dout, x> for a linear map R
        double lhs = 0;
        double rhs = 0;
        for (int i = 0; i < x.length; i++) {
            lhs += dout[i] * (double) y[i];
            rhs += (dx[i] - 0.5) * (double) x[i];
        }
        assertThat(rhs).isCloseTo(lhs, within(1e-4));
        // rotating back undoes the rotation
        float[] back = new float[x.length];
        Rope.backward(y, back, batch, time, channels, heads, 7);
        for (int i = 0; i < x.length; i++) {
            assertThat(back[i]).isCloseTo(x[i], within(1e-5f));
        }
    }

    @Test
    void offsetRowsEqualTheSameRowsOfTheWholeSequenceAndInPlaceWorks() {
        int time = 9;
        int channels = 8;
        float[] qkv = KernelTestData.gaussian(6, time * 3 * channels);
        float[] whole = new float[qkv.length];
        Rope.forward(qkv, whole, 1, time, channels, 2, 0);
        int start = 4;
        float[] tail = Arrays.copyOfRange(qkv, start * 3 * channels, qkv.length);
        Rope.forward(tail, tail, 1, time - start, channels, 2, start);   // in place, positions 4..8
        assertThat(tail).containsExactly(Arrays.copyOfRange(whole, start * 3 * channels, whole.length));
        // a longer range than any used so far grows the table without changing earlier entries
        float[] far = new float[3 * channels];
        Rope.forward(Arrays.copyOfRange(qkv, 0, 3 * channels), far, 1, 1, channels, 2, 5000);
        float[] again = new float[qkv.length];
        Rope.forward(qkv, again, 1, time, channels, 2, 0);
        assertThat(again).containsExactly(whole);
    }

    @Test
    void fastModeAndThreadCountsAreBitIdentical() {
        int batch = 4;
        int time = 64;
        int channels = 32;
        float[] qkv = KernelTestData.gaussian(7, batch * time * 3 * channels);
        float[] dout = KernelTestData.gaussian(8, qkv.length);
        KernelMode previous = KernelMode.current();
        int threads = Parallel.threads();
        try {
            KernelMode.set(KernelMode.REFERENCE);
            float[][] reference = run(qkv, dout, batch, time, channels);
            KernelMode.set(KernelMode.FAST);
            Parallel.setThreads(1);
            float[][] one = run(qkv, dout, batch, time, channels);
            Parallel.setThreads(2);
            float[][] two = run(qkv, dout, batch, time, channels);
            for (int i = 0; i < 2; i++) {
                assertThat(one[i]).containsExactly(reference[i]);
                assertThat(two[i]).containsExactly(reference[i]);
            }
        } finally {
            KernelMode.set(previous);
            Parallel.setThreads(threads);
        }
    }

    @Test
    void rejectsOddHeadSizesAndBadShapes() {
        float[] qkv = new float[2 * 18];
        assertThatThrownBy(() -> Rope.forward(qkv, qkv, 1, 2, 6, 2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head size 3 must be even");
        assertThatThrownBy(() -> Rope.forward(qkv, qkv, 1, 2, 6, 4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of numHeads");
        assertThatThrownBy(() -> Rope.forward(qkv, qkv, 1, 2, 6, 3, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positionOffset");
        assertThatThrownBy(() -> Rope.forward(qkv, qkv, 1, 3, 6, 3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than");
    }

    private static float[][] run(float[] qkv, float[] dout, int batch, int time, int channels) {
        float[] out = new float[qkv.length];
        float[] dqkv = new float[qkv.length];
        Rope.forward(qkv, out, batch, time, channels, 4, 3);
        Rope.backward(dout, dqkv, batch, time, channels, 4, 3);
        return new float[][] {out, dqkv};
    }

    private static double dot(float[] a, int aOff, int bOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[aOff + i] * (double) a[bOff + i];
        }
        return sum;
    }
}
