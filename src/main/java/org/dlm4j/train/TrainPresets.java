package org.dlm4j.train;

import java.util.List;

import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.ObjectiveOptions;

/**
 * Named starting points for a run, resolved by {@link #byName}; command-line options and a
 * {@code --config} file override single fields. Vocabulary size and the causal flag are set from
 * the data and the objective when the run starts ({@link TrainConfig#forData}); the values here
 * are the byte tokenizer's (vocabulary 258, mask 257) and "causal" as placeholders. The model
 * shapes are {@link TransformerConfig#preset}'s of the same name.
 *
 * <ul>
 *   <li>{@code tiny}: the model preset {@code tiny} (T 64, rotary positions), small enough to train
 *       on tiny-data/bytes in a minute or two on two shared cores and still drive the validation
 *       loss far below the unigram entropy (2.97 nats on val.bin). Measured (600 steps of 32 x 64
 *       tokens, load average about 3 on 2 cores): AR val 0.36 (exact NLL) in 73 s wall,
 *       diffusion val 1.59 (its bound; 2.70 at step 100, 2.10 at 300) in 88 s wall.</li>
 *   <li>{@code reference}: the yardstick model of docs/design.md (d_model 256, 4 layers, 4 heads, T 128,
 *       B 16, about 3.3M parameters), with nanoGPT's small-model optimizer settings.</li>
 * </ul>
 */
public final class TrainPresets {

    public static final String TINY = "tiny";
    public static final String REFERENCE = "reference";
    public static final List<String> NAMES = List.of(TINY, REFERENCE);

    /** The byte tokenizer's vocabulary (256 bytes, end-of-text, mask); replaced by the data's. */
    private static final int BYTE_VOCAB = 258;
    /** The byte tokenizer's mask id; replaced by the data's. */
    private static final int BYTE_MASK = 257;

    private TrainPresets() {
    }

    /** The preset called {@code name} for {@code objective}; unknown names are a one-line error. */
    public static TrainConfig byName(String name, String objective) {
        return switch (name) {
            case TINY -> tiny(objective);
            case REFERENCE -> reference(objective);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    static TrainConfig tiny(String objective) {
        // The model preset "tiny": C 64, 2 layers, 4 heads, T 64, rotary positions, no dropout, untied head.
        // Rotary positions matter here: with a learned position table masked diffusion at T 64 stayed on the
        // unigram plateau (val 2.95 vs entropy 2.97) for all 600 steps of a cosine run (the old preset used
        // T 16 to escape it); with rope it leaves the plateau within the first 100 steps.
        TransformerConfig model = TransformerConfig.preset(TINY, BYTE_VOCAB);
        return new TrainConfig(objective, ObjectiveOptions.defaults(BYTE_MASK), model,
                32,     // B: 32 windows of 64 = 2,048 tokens per step
                600,    // steps: M = 1,228,800 tokens
                0,      // U: all of train.bin that the budget reaches
                3e-3,   // peak lr: a small model tolerates a large rate
                3e-4,   // min lr: peak / 10
                30,     // warmup steps
                TrainConfig.WSD, // a long stable stretch at the peak: diffusion needs it to leave the plateau
                0.2,    // decay over the last 20% of the steps
                0.1,    // weight decay on matrices
                0.9,    // beta1
                0.99,   // beta2: nanoGPT's choice for small batches
                1e-8,   // adam eps
                1.0,    // clip the gradient norm at 1
                100,    // validate every 100 steps
                8,      // 8 validation batches = 8,192 tokens
                200,    // checkpoint every 200 steps
                1337);  // seed
    }

    static TrainConfig reference(String objective) {
        // The model preset "reference": C 256, 4 layers, 4 heads, T 128, MLP 4x, about 3.3M parameters.
        TransformerConfig model = TransformerConfig.preset(REFERENCE, BYTE_VOCAB);
        return new TrainConfig(objective, ObjectiveOptions.defaults(BYTE_MASK), model,
                16,     // B: 2,048 tokens per step
                5000,   // steps: M = 10.24M tokens, about 20 epochs of tiny-data/bytes
                0,      // U: all of train.bin that the budget reaches
                1e-3,   // peak lr (nanoGPT shakespeare-char)
                1e-4,   // min lr
                100,    // warmup steps
                TrainConfig.COSINE,
                0.2,    // decay fraction (wsd only)
                0.1,    // weight decay on matrices
                0.9,    // beta1
                0.99,   // beta2
                1e-8,   // adam eps
                1.0,    // gradient norm clip
                250,    // validate every 250 steps
                20,     // 20 validation batches = 40,960 tokens
                500,    // checkpoint every 500 steps
                1337);  // seed
    }
}
