package org.dlm4j.train;

import org.dlm4j.exercise.Exercise;

/**
 * The learning rate as a function of the optimizer step (0 for the first update).
 *
 * <p>Three shapes, each a record so that a run can log exactly which one it used:
 * <ul>
 *   <li>{@link Constant}: the same rate at every step.</li>
 *   <li>{@link Cosine}: linear warmup to {@code peak}, then half a cosine down to {@code min} at
 *       step {@code total}, and {@code min} afterwards (GPT-2/nanoGPT style).</li>
 *   <li>{@link WarmupStableDecay}: linear warmup, a long stable stretch at {@code peak}, then a
 *       linear decay to {@code min} over the last {@code decayFraction} of the steps (MiniCPM's
 *       "WSD"; a run can be extended by branching off the stable stretch).</li>
 * </ul>
 * Warmup is {@code peak · (step + 1) / warmup} for {@code step < warmup}: the first step already
 * learns a little and step {@code warmup − 1} reaches {@code peak}.
 */
public sealed interface LrSchedule {

    /** The learning rate for optimizer step {@code step} (0-based). */
    double at(long step);

    static LrSchedule constant(double lr) {
        return new Constant(lr);
    }

    static LrSchedule cosine(long warmup, long total, double peak, double min) {
        return new Cosine(warmup, total, peak, min);
    }

    static LrSchedule warmupStableDecay(long warmup, long total, double decayFraction, double peak, double min) {
        return new WarmupStableDecay(warmup, total, decayFraction, peak, min);
    }

    /** The same rate at every step. */
    record Constant(double lr) implements LrSchedule {
        public Constant {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
            }
        }

        @Override
        public double at(long step) {
            return lr;
        }
    }

    /**
     * Warmup, then {@code min + (peak − min) · ½(1 + cos(π · progress))} with
     * {@code progress = (step − warmup) / (total − warmup)} in [0, 1]; {@code min} from {@code total} on.
     */
    record Cosine(long warmup, long total, double peak, double min) implements LrSchedule {
        public Cosine {
            checkCommon(warmup, total, peak, min);
        }

        @Override
        @Exercise("L06.3")
        public double at(long step) {
            if (step < warmup) {
                return warmupRate(step, warmup, peak);
            }
            if (step >= total) {
                return min;
            }
            double progress = (double) (step - warmup) / (total - warmup);
            return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /**
     * Warmup, {@code peak} until {@code decayStart = total − round(decayFraction · total)}, then a
     * straight line from {@code peak} at {@code decayStart} to {@code min} at {@code total}; {@code min}
     * afterwards.
     */
    record WarmupStableDecay(long warmup, long total, double decayFraction, double peak, double min)
            implements LrSchedule {
        public WarmupStableDecay {
            checkCommon(warmup, total, peak, min);
            if (!(decayFraction >= 0 && decayFraction <= 1)) {
                throw new IllegalArgumentException("decay fraction must lie in [0, 1], got " + decayFraction);
            }
            long decayStart = total - Math.round(decayFraction * total);
            if (decayStart < warmup) {
                throw new IllegalArgumentException("the decay (last " + Math.round(decayFraction * total)
                        + " of " + total + " steps) would start before the warmup of " + warmup + " steps ends");
            }
        }

        /** The first step of the decay. */
        public long decayStart() {
            return total - Math.round(decayFraction * total);
        }

        @Override
        public double at(long step) {
            if (step < warmup) {
                return warmupRate(step, warmup, peak);
            }
            long decayStart = decayStart();
            if (step < decayStart) {
                return peak;
            }
            if (step >= total) {
                return min;
            }
            double progress = (double) (step - decayStart) / (total - decayStart);
            return peak + (min - peak) * progress;
        }
    }

    private static double warmupRate(long step, long warmup, double peak) {
        return peak * (step + 1) / warmup;
    }

    private static void checkCommon(long warmup, long total, double peak, double min) {
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("need 0 <= warmup < total steps, got warmup " + warmup
                    + " and total " + total);
        }
        if (!(min >= 0 && peak >= min) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("need 0 <= min <= peak learning rate, got min " + min
                    + " and peak " + peak);
        }
    }
}
