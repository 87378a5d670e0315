package org.dlm4j.kernels;

/** Seeded inputs for kernel tests (kernels may not import the tensor layer, nor may their tests). */
final class KernelTestData {
    private KernelTestData() {
    }

    static float[] gaussian(long seed, int n) {
        Rng rng = new Rng(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return values;
    }

    static int[] ints(long seed, int n, int bound) {
        Rng rng = new Rng(seed);
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = rng.nextInt(bound);
        }
        return values;
    }
}
