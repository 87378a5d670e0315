package org.dlm4j.tornado;

import org.dlm4j.kernels.Rope;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The rotary angles' cosines and sines, (positions, hs/2), computed in double and rounded to float
 * exactly as the CPU's {@code org.dlm4j.kernels.Rope} does: angle(pos, i) = pos * base^(-2i/hs).
 */
public record RopeTables(FloatArray cos, FloatArray sin) {

    public static RopeTables of(int headSize, int positions) {
        int half = headSize / 2;
        FloatArray cos = new FloatArray(positions * half);
        FloatArray sin = new FloatArray(positions * half);
        for (int i = 0; i < half; i++) {
            double inverseFrequency = Math.pow(Rope.BASE, -2.0 * i / headSize);
            for (int pos = 0; pos < positions; pos++) {
                double angle = pos * inverseFrequency;
                cos.set(pos * half + i, (float) Math.cos(angle));
                sin.set(pos * half + i, (float) Math.sin(angle));
            }
        }
        return new RopeTables(cos, sin);
    }
}
