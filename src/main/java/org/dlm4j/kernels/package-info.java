/**
 * Flat-array math: every op of the transformer as a forward/backward pair of static methods over
 * {@code float[]} with explicit sizes. Each op has a plain reference loop written to be read; the
 * hot ones also have a fast variant (Vector API, a fixed thread pool) that is checked against it.
 *
 * <p>This is the bottom layer: it imports nothing else of dlm4j.
 */
package org.dlm4j.kernels;
