package org.dlm4j.nn;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.Tensor;

/**
 * Inverted dropout with probability {@code p}, active only in training mode.
 *
 * <p>Reproducibility: the mask is a pure function of a seed (see {@link Tensor#dropout}); the
 * seed is drawn from the {@link Rng} the caller passes to {@link #forward}. Whenever an Rng is
 * given, every Dropout draws exactly one {@code long} from it per call, active or not, so the
 * stream (and everything drawn after it) does not depend on p or on the mode. A trainer passes
 * a per-step Rng (e.g. split from its saved generator), so the same seed and step give the same
 * masks on any thread count, and a resumed run repeats them.
 */
public final class Dropout extends Module {
    private final float p;

    public Dropout(float p) {
        org.dlm4j.kernels.Dropout.checkProbability(p);
        this.p = p;
    }

    /** {@code rng} may be null only when dropout is inactive (evaluation mode or p == 0). */
    public Tensor forward(Tensor x, Rng rng) {
        boolean active = isTraining() && p > 0f;
        if (rng == null) {
            if (active) {
                throw new IllegalArgumentException("Dropout in training mode with p=" + p + " needs an Rng");
            }
            return x;
        }
        long seed = rng.nextLong();
        return active ? x.dropout(p, seed) : x;
    }

    public float p() {
        return p;
    }
}
