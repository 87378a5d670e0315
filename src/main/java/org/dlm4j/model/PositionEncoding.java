package org.dlm4j.model;

import java.util.Arrays;

/**
 * How a {@link Transformer} tells positions apart.
 * <ul>
 *   <li>{@link #LEARNED}: GPT-2's learned absolute table {@code position_embedding.weight} (T, C),
 *       added to the token embeddings;</li>
 *   <li>{@link #ROPE}: rotary position embeddings (GPT-NeoX / LLaMA rotate_half form, base 10000,
 *       see {@link org.dlm4j.kernels.Rope}): q and k of every head rotated by position in every
 *       attention layer; no position table, and the head size must be even.</li>
 * </ul>
 * Why both: with a learned table, a bidirectional (diffusion) model must learn positional locality
 * pair by pair and sits on the unigram plateau for thousands of steps at T 64; rotary scores depend
 * on relative position from the first step, so it leaves the plateau at once.
 *
 * <p>{@link #configName()} is the lower-case name used in config JSON ({@code "learned"},
 * {@code "rope"}).
 */
public enum PositionEncoding {
    LEARNED,
    ROPE;

    /** The name in config files: {@code learned} or {@code rope}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The encoding called {@code name} in config files; an unknown name is a one-line error. */
    public static PositionEncoding fromConfigName(String name) {
        for (PositionEncoding encoding : values()) {
            if (encoding.configName().equals(name)) {
                return encoding;
            }
        }
        throw new IllegalArgumentException("unknown position encoding '" + name + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(PositionEncoding::configName).toList()));
    }
}
