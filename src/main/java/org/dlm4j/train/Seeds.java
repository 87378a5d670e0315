package org.dlm4j.train;

import org.dlm4j.kernels.Rng;

/**
 * Independent random streams derived from one run seed, so that each use of randomness has its
 * own generator and none depends on how much another consumed:
 * <pre>
 *   init(seed)       the model's initial weights
 *   data(seed)       the sampler's pass offsets and window orders
 *   step(seed, s)    optimizer step s's noise: masks, input masking, dropout
 * </pre>
 * {@code step} is a pure function of (seed, s), so a run resumed at step k draws exactly what
 * the uninterrupted run drew; the checkpoint needs no generator state beyond the seed.
 *
 * <p>Derivation: the first output of SplitMix64 seeded with {@code seed · φ⁻¹-odd constant + label},
 * i.e. a bijective 64-bit mix of (seed, stream, index), then used as a fresh generator's seed.
 */
public final class Seeds {

    private static final long STREAM_INIT = 1;
    private static final long STREAM_DATA = 2;
    private static final long STREAM_STEP = 3;
    /** An odd constant that spreads the seed before the stream label is added. */
    private static final long SPREAD = 0xD1B54A32D192ED03L;

    private Seeds() {
    }

    public static Rng init(long seed) {
        return new Rng(derive(seed, STREAM_INIT, 0));
    }

    public static long data(long seed) {
        return derive(seed, STREAM_DATA, 0);
    }

    /** The generator for optimizer step {@code step} (1-based, the step being taken). */
    public static Rng step(long seed, long step) {
        return new Rng(derive(seed, STREAM_STEP, step));
    }

    static long derive(long seed, long stream, long index) {
        long inner = new Rng(seed * SPREAD + stream).nextLong();
        return new Rng(inner + index * SPREAD).nextLong();
    }
}
