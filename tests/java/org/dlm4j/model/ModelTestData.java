package org.dlm4j.model;

import org.dlm4j.kernels.Rng;
import org.dlm4j.nn.Module;
import org.dlm4j.nn.Parameter;

/** Helpers for model tests. */
final class ModelTestData {
    private ModelTestData() {
    }

    /**
     * Overwrites every parameter with normal(0, std^2) values: with GPT-2's small init most
     * gradients are tiny, which would let a wrong one hide inside the checker's tolerance.
     */
    static void randomize(Module module, long seed, float std) {
        Rng rng = new Rng(seed);
        for (Parameter p : module.parameters()) {
            float[] data = p.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextGaussian() * std);
            }
        }
    }

    /** Sample standard deviation. */
    static double std(float[] values) {
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
