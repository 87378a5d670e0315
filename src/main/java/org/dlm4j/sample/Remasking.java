package org.dlm4j.sample;

import java.util.Locale;

/**
 * Which of a step's predictions a {@link DiffusionSampler} keeps (the others stay masked, "remasked").
 * <ul>
 *   <li>{@link #RANDOM}: positions chosen uniformly at random, the ancestral sampler of masked
 *       diffusion (the reverse process reveals each masked token at a random time);</li>
 *   <li>{@link #LOW_CONFIDENCE}: the positions whose prediction has the highest probability
 *       p_θ(x̂_i | x_t) are revealed, the least confident stay masked (LLaDA's low-confidence
 *       remasking).</li>
 * </ul>
 */
public enum Remasking {
    RANDOM("random"),
    LOW_CONFIDENCE("low-confidence");

    private final String label;

    Remasking(String label) {
        this.label = label;
    }

    /** The name used on the command line. */
    public String label() {
        return label;
    }

    /** The strategy called {@code label} ({@code random} or {@code low-confidence}). */
    public static Remasking of(String label) {
        for (Remasking r : values()) {
            if (r.label.equals(label == null ? null : label.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown remasking '" + label + "'; valid: random, low-confidence");
    }
}
