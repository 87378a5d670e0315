package org.dlm4j.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * LayerNorm over the channels of each row, eps 1e-5, biased variance ({@code org.dlm4j.kernels.LayerNorm}'s
 * reference loops, one work-item per row or per channel):
 * <pre>
 *   m = mean(x),  s = 1 / sqrt(mean((x - m)^2) + eps),  y = (x - m) s w + b
 *   dx += s (g - mean(g) - n mean(g n))  with g = dy w, n = (x - m) s
 *   dw  = sum_rows dy n,   db = sum_rows dy
 * </pre>
 * Weight and bias live at offsets of the parameter buffer; {@code biasOffset < 0} means no bias.
 */
public final class LayerNormKernels {
    public static final float EPS = 1e-5f;

    private LayerNormKernels() {
    }

    public static void forward(FloatArray x, FloatArray params, int weightOffset, int biasOffset, FloatArray out,
                               FloatArray mean, FloatArray rstd, int rows, int channels) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * channels;
            float sum = 0f;
            for (int c = 0; c < channels; c++) {
                sum = sum + x.get(base + c);
            }
            float m = sum / channels;
            float squares = 0f;
            for (int c = 0; c < channels; c++) {
                float d = x.get(base + c) - m;
                squares = squares + d * d;
            }
            float s = 1f / TornadoMath.sqrt(squares / channels + EPS);
            for (int c = 0; c < channels; c++) {
                float b = biasOffset >= 0 ? params.get(biasOffset + c) : 0f;
                out.set(base + c, (x.get(base + c) - m) * s * params.get(weightOffset + c) + b);
            }
            mean.set(r, m);
            rstd.set(r, s);
        }
    }

    /** dx += the input gradient, row by row. */
    public static void backwardInput(FloatArray dout, FloatArray x, FloatArray params, int weightOffset,
                                     FloatArray mean, FloatArray rstd, FloatArray dx, int rows, int channels) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * channels;
            float m = mean.get(r);
            float s = rstd.get(r);
            float meanG = 0f;
            float meanGn = 0f;
            for (int c = 0; c < channels; c++) {
                float g = dout.get(base + c) * params.get(weightOffset + c);
                meanG = meanG + g;
                meanGn = meanGn + g * ((x.get(base + c) - m) * s);
            }
            meanG = meanG / channels;
            meanGn = meanGn / channels;
            for (int c = 0; c < channels; c++) {
                float g = dout.get(base + c) * params.get(weightOffset + c);
                float n = (x.get(base + c) - m) * s;
                dx.set(base + c, dx.get(base + c) + s * (g - meanG - n * meanGn));
            }
        }
    }

    /** dw = sum over rows of dy n, db = sum over rows of dy (written, not added), column by column. */
    public static void backwardParameters(FloatArray dout, FloatArray x, FloatArray mean, FloatArray rstd,
                                          FloatArray grads, int weightOffset, int biasOffset, int rows, int channels) {
        for (@Parallel int c = 0; c < channels; c++) {
            float sumW = 0f;
            float sumB = 0f;
            for (int r = 0; r < rows; r++) {
                float dy = dout.get(r * channels + c);
                sumW = sumW + dy * (x.get(r * channels + c) - mean.get(r)) * rstd.get(r);
                sumB = sumB + dy;
            }
            grads.set(weightOffset + c, sumW);
            if (biasOffset >= 0) {
                grads.set(biasOffset + c, sumB);
            }
        }
    }
}
