package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast path behind {@link LayerNorm}: the same formulas on vectors of channels (channels past
 * the last whole vector in a scalar tail).
 *
 * <p>Rows are independent and each is computed inside one call (the row sums add lane-wise
 * partial sums, then the lanes, then the tail), so the bits do not depend on the thread count; they
 * differ from the reference loops only by that order of addition. The parameter gradients add rows
 * in increasing order for every channel with the reference's expression, a vector of channels per
 * step, so they are bit-identical to the reference loops.
 */
final class FastLayerNorm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private FastLayerNorm() {
    }

    static void forward(float[] x, float[] weight, float[] bias, float[] out, float[] mean, float[] rstd,
                        int rows, int channels, float eps) {
        int whole = channels - channels % LANES;
        Rows.run(rows, channels, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * channels;
                FloatVector sumV = FloatVector.zero(SPECIES);
                for (int c = 0; c < whole; c += LANES) {
                    sumV = sumV.add(FloatVector.fromArray(SPECIES, x, base + c));
                }
                float sum = VectorMath.sum(sumV);
                for (int c = whole; c < channels; c++) {
                    sum += x[base + c];
                }
                float mu = sum / channels;
                FloatVector squaresV = FloatVector.zero(SPECIES);
                for (int c = 0; c < whole; c += LANES) {
                    FloatVector d = FloatVector.fromArray(SPECIES, x, base + c).sub(mu);
                    squaresV = d.fma(d, squaresV);
                }
                float squares = VectorMath.sum(squaresV);
                for (int c = whole; c < channels; c++) {
                    float d = x[base + c] - mu;
                    squares += d * d;
                }
                float s = 1f / (float) Math.sqrt(squares / channels + eps);
                for (int c = 0; c < whole; c += LANES) {
                    FloatVector n = FloatVector.fromArray(SPECIES, x, base + c).sub(mu).mul(s);
                    if (weight != null) {
                        n = n.mul(FloatVector.fromArray(SPECIES, weight, c));
                    }
                    if (bias != null) {
                        n = n.add(FloatVector.fromArray(SPECIES, bias, c));
                    }
                    n.intoArray(out, base + c);
                }
                for (int c = whole; c < channels; c++) {
                    float n = (x[base + c] - mu) * s;
                    out[base + c] = n * (weight == null ? 1f : weight[c]) + (bias == null ? 0f : bias[c]);
                }
                mean[r] = mu;
                rstd[r] = s;
            }
        });
    }

    static void backwardInput(float[] dout, float[] x, float[] weight, float[] mean, float[] rstd, float[] dx,
                              int rows, int channels) {
        int whole = channels - channels % LANES;
        Rows.run(rows, channels, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * channels;
                float mu = mean[r];
                float s = rstd[r];
                FloatVector gV = FloatVector.zero(SPECIES);
                FloatVector gnV = FloatVector.zero(SPECIES);
                for (int c = 0; c < whole; c += LANES) {
                    FloatVector g = FloatVector.fromArray(SPECIES, dout, base + c);
                    if (weight != null) {
                        g = g.mul(FloatVector.fromArray(SPECIES, weight, c));
                    }
                    FloatVector n = FloatVector.fromArray(SPECIES, x, base + c).sub(mu).mul(s);
                    gV = gV.add(g);
                    gnV = g.fma(n, gnV);
                }
                float sumG = VectorMath.sum(gV);
                float sumGn = VectorMath.sum(gnV);
                for (int c = whole; c < channels; c++) {
                    float g = dout[base + c] * (weight == null ? 1f : weight[c]);
                    sumG += g;
                    sumGn += g * (x[base + c] - mu) * s;
                }
                float meanG = sumG / channels;
                float meanGn = sumGn / channels;
                for (int c = 0; c < whole; c += LANES) {
                    FloatVector g = FloatVector.fromArray(SPECIES, dout, base + c);
                    if (weight != null) {
                        g = g.mul(FloatVector.fromArray(SPECIES, weight, c));
                    }
                    FloatVector n = FloatVector.fromArray(SPECIES, x, base + c).sub(mu).mul(s);
                    FloatVector d = g.sub(meanG).sub(n.mul(meanGn)).mul(s);
                    FloatVector.fromArray(SPECIES, dx, base + c).add(d).intoArray(dx, base + c);
                }
                for (int c = whole; c < channels; c++) {
                    float g = dout[base + c] * (weight == null ? 1f : weight[c]);
                    float n = (x[base + c] - mu) * s;
                    dx[base + c] += s * (g - meanG - n * meanGn);
                }
            }
        });
    }

    /** dweight, dbias (either may be null) += sums over rows, in row order, per channel. */
    static void backwardParameters(float[] dout, float[] x, float[] mean, float[] rstd, float[] dweight,
                                   float[] dbias, int rows, int channels) {
        int vectors = (channels + LANES - 1) / LANES;
        Parallel.forRange(vectors, Math.max(1, 16 / LANES), (start, end) -> {
            int c0 = start * LANES;
            int c1 = Math.min(channels, end * LANES);
            int whole = c0 + (c1 - c0) - (c1 - c0) % LANES;
            float[] sumW = new float[c1 - c0];
            float[] sumB = new float[c1 - c0];
            for (int r = 0; r < rows; r++) {
                int base = r * channels;
                float mu = mean[r];
                float s = rstd[r];
                for (int c = c0; c < whole; c += LANES) {
                    FloatVector dy = FloatVector.fromArray(SPECIES, dout, base + c);
                    FloatVector term = dy.mul(FloatVector.fromArray(SPECIES, x, base + c).sub(mu)).mul(s);
                    FloatVector.fromArray(SPECIES, sumW, c - c0).add(term).intoArray(sumW, c - c0);
                    FloatVector.fromArray(SPECIES, sumB, c - c0).add(dy).intoArray(sumB, c - c0);
                }
                for (int c = whole; c < c1; c++) {
                    float dy = dout[base + c];
                    sumW[c - c0] += dy * (x[base + c] - mu) * s;
                    sumB[c - c0] += dy;
                }
            }
            for (int c = c0; c < c1; c++) {
                if (dweight != null) {
                    dweight[c] += sumW[c - c0];
                }
                if (dbias != null) {
                    dbias[c] += sumB[c - c0];
                }
            }
        });
    }
}
