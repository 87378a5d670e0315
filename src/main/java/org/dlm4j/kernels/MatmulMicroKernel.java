package org.dlm4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.dlm4j.exercise.Exercise;

/**
 * The register-blocked inner kernel of {@link FastMatmul} and {@link FastAttention}: one
 * {@link #ROWS} x {@link #COLS} tile of c from a block of a, read where it is stored, and a packed
 * panel of b.
 * <pre>
 *   tile(r, j) = sum over p in [0, kc) of a[aIdx + r*rowStride + p*kStride] * bPack[p*COLS + j]   p ascending
 *   c(r, j)    = tile(r, j)            when store
 *   c(r, j)    = c(r, j) + tile(r, j)  otherwise
 * </pre>
 * The tile lives in {@code 2 * ROWS} vector registers for the whole k loop (16 of the 32 AVX-512
 * registers), so every element of a and b loaded from cache feeds {@code COLS} or {@code ROWS}
 * fused multiply-adds. Each output element is one lane of one accumulator, summed in increasing p
 * with exact fused multiply-adds: the result depends only on the inputs, never on threads or JIT state.
 *
 * <p>The species is a {@code static final} constant: only then does C2 compile the vector operations
 * to single instructions (passed as a value, the same loop runs about 50x slower).
 */
final class MatmulMicroKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector register (16 with AVX-512, 8 with AVX2). */
    static final int LANES = SPECIES.length();
    /** Rows of c per tile: one broadcast of a per row and k step. */
    static final int ROWS = 8;
    /** Columns of c per tile: two vectors. */
    static final int COLS = 2 * LANES;

    private MatmulMicroKernel() {
    }

    /**
     * Computes one full tile into c at {@code cIdx} with row stride {@code ldc}. The value of a for
     * row r and step p is {@code a[aIdx + r*rowStride + p*kStride]}: a row-major (m, k) block has
     * rowStride k and kStride 1, a transposed (k, m) one rowStride 1 and kStride m, a packed
     * k-major sliver rowStride 1 and kStride ROWS.
     *
     * @param bPack b panel, k-major: {@code bPack[bIdx + p*COLS + j]}
     */
    @Exercise("L13.1")
    static void tileStrided(int kc, float[] a, int aIdx, int rowStride, int kStride, float[] bPack, int bIdx,
                            float[] c, int cIdx, int ldc, boolean store) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        int r1 = rowStride;
        int r2 = 2 * rowStride;
        int r3 = 3 * rowStride;
        int r4 = 4 * rowStride;
        int r5 = 5 * rowStride;
        int r6 = 6 * rowStride;
        int r7 = 7 * rowStride;
        int ai = aIdx;
        int bi = bIdx;
        for (int p = 0; p < kc; p++, ai += kStride, bi += COLS) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bPack, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bPack, bi + LANES);
            FloatVector va = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = va.fma(b0, c00);
            c01 = va.fma(b1, c01);
            va = FloatVector.broadcast(SPECIES, a[ai + r1]);
            c10 = va.fma(b0, c10);
            c11 = va.fma(b1, c11);
            va = FloatVector.broadcast(SPECIES, a[ai + r2]);
            c20 = va.fma(b0, c20);
            c21 = va.fma(b1, c21);
            va = FloatVector.broadcast(SPECIES, a[ai + r3]);
            c30 = va.fma(b0, c30);
            c31 = va.fma(b1, c31);
            va = FloatVector.broadcast(SPECIES, a[ai + r4]);
            c40 = va.fma(b0, c40);
            c41 = va.fma(b1, c41);
            va = FloatVector.broadcast(SPECIES, a[ai + r5]);
            c50 = va.fma(b0, c50);
            c51 = va.fma(b1, c51);
            va = FloatVector.broadcast(SPECIES, a[ai + r6]);
            c60 = va.fma(b0, c60);
            c61 = va.fma(b1, c61);
            va = FloatVector.broadcast(SPECIES, a[ai + r7]);
            c70 = va.fma(b0, c70);
            c71 = va.fma(b1, c71);
        }
        // Written out in full: a helper taking vectors as arguments may not be inlined, and a vector
        // crossing a call boundary (or reassigned under a branch) is boxed on the heap.
        if (store) {
            c00.intoArray(c, cIdx);
            c01.intoArray(c, cIdx + LANES);
            c10.intoArray(c, cIdx + ldc);
            c11.intoArray(c, cIdx + ldc + LANES);
            c20.intoArray(c, cIdx + 2 * ldc);
            c21.intoArray(c, cIdx + 2 * ldc + LANES);
            c30.intoArray(c, cIdx + 3 * ldc);
            c31.intoArray(c, cIdx + 3 * ldc + LANES);
            c40.intoArray(c, cIdx + 4 * ldc);
            c41.intoArray(c, cIdx + 4 * ldc + LANES);
            c50.intoArray(c, cIdx + 5 * ldc);
            c51.intoArray(c, cIdx + 5 * ldc + LANES);
            c60.intoArray(c, cIdx + 6 * ldc);
            c61.intoArray(c, cIdx + 6 * ldc + LANES);
            c70.intoArray(c, cIdx + 7 * ldc);
            c71.intoArray(c, cIdx + 7 * ldc + LANES);
        } else {
            c00.add(FloatVector.fromArray(SPECIES, c, cIdx)).intoArray(c, cIdx);
            c01.add(FloatVector.fromArray(SPECIES, c, cIdx + LANES)).intoArray(c, cIdx + LANES);
            c10.add(FloatVector.fromArray(SPECIES, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
            c11.add(FloatVector.fromArray(SPECIES, c, cIdx + ldc + LANES)).intoArray(c, cIdx + ldc + LANES);
            c20.add(FloatVector.fromArray(SPECIES, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
            c21.add(FloatVector.fromArray(SPECIES, c, cIdx + 2 * ldc + LANES)).intoArray(c, cIdx + 2 * ldc + LANES);
            c30.add(FloatVector.fromArray(SPECIES, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
            c31.add(FloatVector.fromArray(SPECIES, c, cIdx + 3 * ldc + LANES)).intoArray(c, cIdx + 3 * ldc + LANES);
            c40.add(FloatVector.fromArray(SPECIES, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
            c41.add(FloatVector.fromArray(SPECIES, c, cIdx + 4 * ldc + LANES)).intoArray(c, cIdx + 4 * ldc + LANES);
            c50.add(FloatVector.fromArray(SPECIES, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
            c51.add(FloatVector.fromArray(SPECIES, c, cIdx + 5 * ldc + LANES)).intoArray(c, cIdx + 5 * ldc + LANES);
            c60.add(FloatVector.fromArray(SPECIES, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
            c61.add(FloatVector.fromArray(SPECIES, c, cIdx + 6 * ldc + LANES)).intoArray(c, cIdx + 6 * ldc + LANES);
            c70.add(FloatVector.fromArray(SPECIES, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
            c71.add(FloatVector.fromArray(SPECIES, c, cIdx + 7 * ldc + LANES)).intoArray(c, cIdx + 7 * ldc + LANES);
        }
    }
}
