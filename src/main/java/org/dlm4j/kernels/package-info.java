/**
 * Flat-array math: every op of the transformer as a forward/backward pair of static methods over
 * {@code float[]} with explicit sizes. Each op has a plain reference loop written to be read; the
 * hot ones also have a fast variant (Vector API, a fixed thread pool) that is checked against it:
 * {@code FastMatmul}/{@code MatmulMicroKernel}, {@code FastAttention}, {@code FastLayerNorm}, and vector
 * loops inside GELU, cross-entropy and the adds. Fast variants give the same bits for any thread
 * count and whether or not the JIT has compiled them ({@code VectorMath}: exp and lane sums built
 * from exact IEEE operations instead of the platform's vector math library).
 *
 * <p>This is the bottom layer: it imports nothing else of dlm4j but the course's exercise marker
 * ({@code org.dlm4j.exercise}); the reference loops are the first lessons' exercises.
 */
package org.dlm4j.kernels;
