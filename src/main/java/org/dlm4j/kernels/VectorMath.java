package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and a lane sum on vectors that give the same bits whether the JIT has compiled them or not.
 *
 * <p>Why not {@code lanewise(EXP)} and {@code reduceLanes(ADD)}: compiled, the first calls the
 * platform's vector math library and the second may add lanes in any order; interpreted, they fall
 * back to scalar code. The results then differ in the last bits between the first steps of a run
 * and later ones, which breaks "same seed, same losses". Everything here is IEEE add, multiply,
 * fused multiply-add, min/max and integer bit operations, which are exact in every mode.
 * <pre>
 *   exp(x) = 2^k · p(r),  k = round(x / ln 2),  r = x − k ln 2 (ln 2 split in two for exactness),
 *   p(r)   = 1 + r + r² (c2 + c3 r + ... + c7 r⁵)      (Cephes expf polynomial, about 1 ulp)
 * </pre>
 * x is clamped to [-87.3, 88.3] so that 2^k stays a normal float: exp of anything below is
 * returned as about 1e-38 instead of 0, which only matters as a summand next to at least 1 (a softmax
 * always has its max term exp(0) = 1).
 */
final class VectorMath {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float LOW = -87.3f;
    private static final float HIGH = 88.3f;

    private VectorMath() {
    }

    /** e^x per lane, within about 2 ulp of {@link Math#exp} on [-87.3, 88.3]. */
    static FloatVector exp(FloatVector x) {
        x = x.max(LOW).min(HIGH);
        FloatVector t = x.fma(LOG2E, ROUNDER);                    // ROUNDER + k, exactly
        FloatVector k = t.sub(ROUNDER);
        FloatVector r = k.fma(constant(-LN2_HI), x);
        r = k.fma(constant(-LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, constant(8.3334519073e-3f));
        p = p.fma(r, constant(4.1665795894e-2f));
        p = p.fma(r, constant(1.6666665459e-1f));
        p = p.fma(r, constant(5.0000001201e-1f));
        p = p.mul(r.mul(r)).add(r).add(1f);
        IntVector exponent = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(exponent.reinterpretAsFloats());
    }

    private static FloatVector constant(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }

    /**
     * The sum of the lanes as a fixed tree: lane i and lane i + width added for width = LANES/2, ...,
     * 1. Done on a copy of the lanes (shuffles with a shift that is not a compile-time constant are
     * not compiled to single instructions).
     */
    static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        for (int width = lanes.length / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                lanes[i] += lanes[i + width];
            }
        }
        return lanes[0];
    }
}
