package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Elementwise, Gelu, Embedding and Dropout kernels: small exact cases. */
class ElementwiseKernelsTest {

    @Test
    void residualAndBiasAdd() {
        float[] out = new float[3];
        Elementwise.addForward(new float[] {1, 2, 3}, new float[] {10, 20, 30}, out, 3);
        assertThat(out).containsExactly(11, 22, 33);
        float[] y = new float[4];
        Elementwise.biasAddForward(new float[] {1, 2, 3, 4}, new float[] {10, 20}, y, 2, 2);
        assertThat(y).containsExactly(11, 22, 13, 24);
        float[] dx = {1, 1, 1, 1};
        float[] dbias = {5, 5};
        Elementwise.biasAddBackward(new float[] {1, 2, 3, 4}, dx, dbias, 2, 2);
        assertThat(dx).containsExactly(2, 3, 4, 5);
        assertThat(dbias).containsExactly(9, 11);
    }

    @Test
    void geluKnownValuesAndDerivative() {
        float[] x = {-3, -1, 0, 1, 3};
        float[] y = new float[5];
        Gelu.forward(x, y, 5);
        assertThat(y[2]).isZero();
        assertThat(y[3]).isCloseTo(0.841192f, within(1e-6f));
        assertThat(y[1]).isCloseTo(-0.158808f, within(1e-6f));
        float[] dx = new float[5];
        Gelu.backward(x, new float[] {1, 1, 1, 1, 1}, dx, 5);
        assertThat(dx[2]).isEqualTo(0.5f);
        for (int i = 0; i < 5; i++) {
            double h = 1e-3;
            double numeric = (geluDouble(x[i] + h) - geluDouble(x[i] - h)) / (2 * h);
            assertThat((double) dx[i]).isCloseTo(numeric, within(1e-5));
        }
    }

    private static double geluDouble(double v) {
        return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }

    @Test
    void embeddingScatterAddsRepeatedIds() {
        float[] weight = {0, 1, 10, 11, 20, 21};
        float[] out = new float[6];
        Embedding.forward(weight, new int[] {2, 0, 2}, out, 3, 3, 2);
        assertThat(out).containsExactly(20, 21, 0, 1, 20, 21);
        float[] dweight = new float[6];
        Embedding.backward(new float[] {1, 2, 3, 4, 5, 6}, new int[] {2, 0, 2}, dweight, 3, 2);
        assertThat(dweight).containsExactly(3, 4, 0, 0, 6, 8);
    }

    @Test
    void dropoutKeepsAboutOneMinusPAndScales() {
        int n = 20_000;
        float p = 0.25f;
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float[] out = new float[n];
        Dropout.forward(ones, out, n, p, 42);
        int kept = 0;
        for (float v : out) {
            if (v != 0f) {
                kept++;
                assertThat(v).isEqualTo(1f / (1f - p));
            }
        }
        assertThat(kept / (double) n).isCloseTo(0.75, within(0.02));
        float[] dx = new float[n];
        Dropout.backward(ones, dx, n, p, 42);
        assertThat(dx).containsExactly(out);
    }
}
