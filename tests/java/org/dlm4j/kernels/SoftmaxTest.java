package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void forwardMatchesDoublePrecision() {
        int rows = 5;
        int cols = 9;
        float[] x = KernelTestData.gaussian(1, rows * cols);
        float[] p = new float[x.length];
        float[] logP = new float[x.length];
        Softmax.forward(x, p, rows, cols);
        Softmax.logForward(x, logP, rows, cols);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[r * cols + c]);
            }
            for (int c = 0; c < cols; c++) {
                double expected = Math.exp(x[r * cols + c]) / sum;
                assertThat((double) p[r * cols + c]).isCloseTo(expected, within(1e-6));
                assertThat((double) logP[r * cols + c]).isCloseTo(Math.log(expected), within(1e-5));
            }
        }
    }

    @Test
    void backwardAddsTheJacobianProduct() {
        float[] p = {0.2f, 0.3f, 0.5f};
        float[] dout = {1f, 0f, 0f};
        float[] dx = {10f, 10f, 10f};
        Softmax.backward(p, dout, dx, 1, 3);
        // dx_j += p_j (dout_j - sum p dout) = p_j (dout_j - 0.2)
        assertThat(dx[0]).isCloseTo(10f + 0.2f * 0.8f, within(1e-6f));
        assertThat(dx[1]).isCloseTo(10f - 0.3f * 0.2f, within(1e-6f));
        assertThat(dx[2]).isCloseTo(10f - 0.5f * 0.2f, within(1e-6f));
    }
}
