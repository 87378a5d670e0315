package org.dlm4j.experiment;

import java.util.List;

/** A micro sweep that runs end to end in seconds: T 40, C 16, 1 layer; 6 steps of 2 windows per run. */
final class SweepTestSupport {

    /** The committed byte dataset and MC items (tests run in the project folder). */
    static final String DATA = "tiny-data/bytes";
    static final String MC = "tiny-data/mc-val.jsonl";
    static final String MC_HARD = "tiny-data/mc-hard.jsonl";

    private SweepTestSupport() {
    }

    /**
     * 2 objectives x U {160, 480} x 1 model x 1 seed; M = 480 tokens (3 and 1 epochs); 2 validation
     * windows, K = 2 for the bound; 4 MC items of each tier.
     */
    static SweepSpec micro() {
        return new SweepSpec("micro", DATA, MC, MC_HARD, List.of("ar", "diffusion"), List.of(160L, 480L), 480L,
                List.of(new SweepSpec.ModelSpec("micro", 40, 16, 1, 2, 2, "rope")), List.of(),
                2, 3e-3, 3e-4, 1, 0.1, 2, 1, 2, 2, 4, 2, "chain-rule", List.of(5L));
    }
}
