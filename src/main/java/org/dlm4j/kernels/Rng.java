package org.dlm4j.kernels;

/**
 * A small seeded random generator whose whole state is one {@code long}, so a checkpoint can save
 * it and a resumed run continues the exact same stream.
 *
 * <p>Algorithm: SplitMix64 (Steele, Lea and Flood, 2014). The state advances by the golden-ratio
 * increment and each output is a bijective mix of the state, which passes BigCrush. It is not
 * cryptographic; it is fast, reproducible and identical on every JVM.
 *
 * <p>Randomness in dlm4j is always explicit: code that needs it takes an {@code Rng} argument.
 * Kernels that must be reproducible in parallel (dropout masks) use the stateless
 * {@link #hash(long, long)} instead, so the result does not depend on which thread drew what.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The full state; {@code new Rng(r.state())} continues exactly where {@code r} is. */
    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    /** A new generator seeded from this one (advances this one by one step). */
    public Rng split() {
        return new Rng(nextLong());
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1) with 24 random bits, the resolution of a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), without modulo bias (Lemire's multiply-shift with rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        while (true) {
            long r = nextLong() >>> 33; // 31 random bits
            long product = r * bound;
            if ((product & 0x7FFFFFFFL) >= (0x80000000L % bound)) {
                return (int) (product >>> 31);
            }
        }
    }

    /** Standard normal by the Box-Muller transform; uses two uniforms per call (no cached spare, so the state stays one long). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // in (0, 1], so log is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Fisher-Yates shuffle of {@code values} in place. */
    public void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
    }

    /**
     * A stateless uniform in [0, 1) for element {@code index} of stream {@code seed}: the same
     * arguments always give the same number, whatever thread asks. Used for dropout masks.
     */
    public static float hash(long seed, long index) {
        long z = mix(seed * GOLDEN_GAMMA + mix(index + GOLDEN_GAMMA));
        return (z >>> 40) * 0x1.0p-24f;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
