package org.dlm4j.objective;

import java.util.List;

/** Creates objectives by name: {@code "ar"} ({@link Autoregressive}) or {@code "diffusion"} ({@link MaskedDiffusion}). */
public final class Objectives {

    /** The objective names {@link #create} knows. */
    public static final List<String> NAMES = List.of(Autoregressive.NAME, MaskedDiffusion.NAME);

    private Objectives() {
    }

    /** The objective called {@code name} with {@code options}; an unknown name gets an error listing the valid ones. */
    public static Objective create(String name, ObjectiveOptions options) {
        return switch (name) {
            case Autoregressive.NAME -> new Autoregressive(options.maskId(), options.inputMaskRatio());
            case MaskedDiffusion.NAME -> new MaskedDiffusion(options.maskId(), DiffusionVariant.of(options.variant()),
                    options.stratified(), options.randomLengthFraction());
            case null, default -> throw new IllegalArgumentException(
                    "unknown objective '" + name + "'; valid objectives: " + String.join(", ", NAMES));
        };
    }
}
