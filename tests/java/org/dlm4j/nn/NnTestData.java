package org.dlm4j.nn;

import org.dlm4j.kernels.Rng;

/** Helpers for tests of modules (nn and model). */
public final class NnTestData {
    private NnTestData() {
    }

    /**
     * Overwrites every parameter with normal(0, std^2) values. GPT-2's init (std 0.02, LayerNorm 1
     * and 0) makes most gradients tiny or symmetric, which would let a wrong gradient hide inside
     * the checker's absolute tolerance; O(1) parameters make every path matter.
     */
    public static void randomize(Module module, long seed, float std) {
        Rng rng = new Rng(seed);
        for (Parameter p : module.parameters()) {
            float[] data = p.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextGaussian() * std);
            }
        }
    }

    /** Sample standard deviation of the entries. */
    public static double std(float[] values) {
        double mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        double square = 0;
        for (float v : values) {
            square += (v - mean) * (v - mean);
        }
        return Math.sqrt(square / (values.length - 1));
    }
}
