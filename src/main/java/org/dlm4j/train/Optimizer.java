package org.dlm4j.train;

import java.util.List;
import java.util.Map;

/**
 * An optimizer over a fixed set of named parameters. One training step is: the caller fills the
 * gradients (backward), optionally {@link #clipGradNorm clips} them, calls {@link #step} with this
 * step's learning rate, and clears the gradients.
 *
 * <p>Its whole state is named float arrays plus a step count, so a checkpoint can store it as
 * safetensors and {@link #loadState} continues bit for bit.
 */
public interface Optimizer {

    /** Applies one update with learning rate {@code lr} to every parameter that has a gradient. */
    void step(double lr);

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}
     * (nothing changes when it already is) and returns the norm measured before clipping.
     */
    double clipGradNorm(double maxNorm);

    /** The global L2 norm of all gradients, {@code sqrt(sum over every element of g²)}. */
    double gradNorm();

    /** Updates applied so far (0 before the first). */
    long stepCount();

    /** The state as named arrays (live, not copies), in a fixed order. */
    List<NamedArray> state();

    /** Replaces the state with {@code arrays} (every name of {@link #state()}, same shapes) and the step count. */
    void loadState(Map<String, NamedArray> arrays, long stepCount);
}
