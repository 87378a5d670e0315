package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GradNormTest {

    private final KernelMode modeBefore = KernelMode.current();
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restore() {
        KernelMode.set(modeBefore);
        Parallel.setThreads(threadsBefore);
    }

    private static double sumOfSquares(KernelMode mode, float[] x) {
        KernelMode.set(mode);
        return GradNorm.sumOfSquares(x);
    }

    @Test
    void smallSumsAreExactInBothModes() {
        float[] x = {3f, -4f, 12f};
        assertThat(sumOfSquares(KernelMode.REFERENCE, x)).isEqualTo(169.0);
        assertThat(sumOfSquares(KernelMode.FAST, x)).isEqualTo(169.0);
        assertThat(sumOfSquares(KernelMode.FAST, new float[0])).isZero();
    }

    @Test
    void fastAgreesWithTheDoubleReferenceAcrossBlocksAndTails() {
        // Lengths around the vector width and the block size, so that every tail is exercised.
        for (int n : new int[] {1, 15, 17, GradNorm.BLOCK - 1, GradNorm.BLOCK + 5, 10 * GradNorm.BLOCK + 333}) {
            float[] x = KernelTestData.gaussian(n, n);
            double reference = sumOfSquares(KernelMode.REFERENCE, x);
            double fast = sumOfSquares(KernelMode.FAST, x);
            assertThat(fast).as("n = %d", n).isCloseTo(reference, within(1e-5 * reference));
        }
    }

    @Test
    void theFastSumHasTheSameBitsForAnyThreadCount() {
        float[] x = KernelTestData.gaussian(7, 40 * GradNorm.BLOCK + 11);
        Parallel.setThreads(1);
        double single = sumOfSquares(KernelMode.FAST, x);
        Parallel.setThreads(2);
        double dual = sumOfSquares(KernelMode.FAST, x);
        Parallel.setThreads(3);
        double triple = sumOfSquares(KernelMode.FAST, x);
        assertThat(dual).isEqualTo(single);
        assertThat(triple).isEqualTo(single);
    }

    @Test
    void scaleMultipliesEveryElementWithTheSameBitsInBothModes() {
        float[] original = KernelTestData.gaussian(3, 100_003);
        float[] reference = original.clone();
        float[] fast = original.clone();
        KernelMode.set(KernelMode.REFERENCE);
        GradNorm.scale(reference, 0.37f);
        KernelMode.set(KernelMode.FAST);
        GradNorm.scale(fast, 0.37f);
        assertThat(fast).containsExactly(reference);
        assertThat(fast[100_002]).isEqualTo(original[100_002] * 0.37f);
    }
}
