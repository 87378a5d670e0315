package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LayerNormTest {

    @Test
    void forwardNormalisesAndSavesStatistics() {
        int rows = 4;
        int channels = 7;
        float[] x = KernelTestData.gaussian(3, rows * channels);
        float[] weight = KernelTestData.gaussian(4, channels);
        float[] bias = KernelTestData.gaussian(5, channels);
        float[] out = new float[x.length];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        LayerNorm.forward(x, weight, bias, out, mean, rstd, rows, channels, 1e-5f);
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int c = 0; c < channels; c++) {
                m += x[r * channels + c] / (double) channels;
            }
            double v = 0;
            for (int c = 0; c < channels; c++) {
                v += Math.pow(x[r * channels + c] - m, 2) / channels;
            }
            double s = 1 / Math.sqrt(v + 1e-5);
            assertThat((double) mean[r]).isCloseTo(m, within(1e-6));
            assertThat((double) rstd[r]).isCloseTo(s, within(1e-4 * s));
            for (int c = 0; c < channels; c++) {
                double expected = (x[r * channels + c] - m) * s * weight[c] + bias[c];
                assertThat((double) out[r * channels + c]).isCloseTo(expected, within(1e-5));
            }
        }
    }

    @Test
    void parameterGradientsAreColumnSums() {
        float[] x = {1, 3, 2, 6};
        float[] dout = {1, 2, 3, 4};
        float[] mean = new float[2];
        float[] rstd = new float[2];
        LayerNorm.forward(x, null, null, new float[4], mean, rstd, 2, 2, 1e-5f);
        float[] dweight = {100, 100};
        float[] dbias = {0, 0};
        LayerNorm.backward(dout, x, null, mean, rstd, null, dweight, dbias, 2, 2);
        // normalised rows are (-1, 1) and (-1, 1) up to eps
        assertThat(dbias).containsExactly(4, 6);
        assertThat(dweight[0]).isCloseTo(100 - 1 - 3, within(1e-3f));
        assertThat(dweight[1]).isCloseTo(100 + 2 + 4, within(1e-3f));
    }
}
