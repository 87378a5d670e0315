package org.dlm4j.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The named sweeps, and sweep spec files. Each preset is the paper's grid shrunk to a machine:
 * <ul>
 *   <li>{@code tiny}: tiny-data/bytes on a laptop CPU, about 20 minutes a seed on two cores (the README's
 *       crossover experiment gives the measured time); a 133k-parameter rope model at T 128 trained on
 *       M = 10,485,760 tokens (79 per parameter, well past Chinchilla-optimal, so that the diffusion model
 *       gets the compute it needs) at U = 8k, 64k and all of train.bin (1,280, 160 and 9.6 epochs:
 *       past diffusion's data-reuse half-life, between AR's and diffusion's, below AR's), and the paper's
 *       AR control (input masking and dropout) at the smallest U. Rotary positions because with a
 *       learned table the diffusion model never left the unigram plateau at this size; T 128 so that
 *       the multiple-choice answer lies inside the window. docs/crossover.md gives the design.</li>
 *   <li>{@code small}: tiny's grid with a second, wider model (about 0.85M parameters, about 7x the FLOPs
 *       per token); about three hours a seed on two cores (estimated from tiny's time, not run).</li>
 *   <li>{@code gpu}: GPT-2 tokens (prepare them with {@code dlm4j data prepare --tokenizer gpt2 --out
 *       data/gpt2 TEXT}), models of about 30M and 60M parameters, M = 98M tokens; on the CPU
 *       it is far too slow, it waits for the TornadoVM module.</li>
 * </ul>
 */
public final class SweepPresets {

    public static final List<String> NAMES = List.of("tiny", "small", "gpu");

    private SweepPresets() {
    }

    /** The preset called {@code name}, or the spec file at path {@code name}. */
    public static SweepSpec byNameOrFile(String name) {
        return switch (name) {
            case "tiny" -> tiny();
            case "small" -> small();
            case "gpu" -> gpu();
            default -> {
                Path file = Path.of(name);
                if (name.endsWith(".json") || Files.isRegularFile(file)) {
                    yield SweepSpec.read(file);
                }
                throw new IllegalArgumentException("unknown preset '" + name + "' (known: "
                        + String.join(", ", NAMES) + ", or a sweep spec .json file)");
            }
        };
    }

    static SweepSpec tiny() {
        // C 64, 2 layers, 4 heads, rotary positions (137k parameters with the byte vocabulary) at T 128, the
        // window the in-window multiple-choice items are built for.
        var model = new SweepSpec.ModelSpec("tiny", 128, 64, 2, 4, 4, "rope");
        return new SweepSpec("tiny", "tiny-data/bytes", "tiny-data/mc-val.jsonl", "tiny-data/mc-hard.jsonl",
                List.of("ar", "diffusion"),
                List.of(8_192L, 65_536L, TINY_TRAIN_TOKENS), // 1,280, 160 and 9.6 epochs (the last: all of train.bin)
                10_485_760L,                              // M: 2,560 steps of 32 x 128 tokens, 79 tokens per parameter
                List.of(model),
                List.of(new SweepSpec.RegularizerSpec("mask0.1-drop0.1", 0.1, 0.1, List.of(8_192L))), // the paper's AR control
                32,        // B
                3e-3,      // peak lr
                3e-4,      // min lr
                20,        // warm-up steps
                0.1,       // weight decay
                4,         // evaluation points after step 0
                8,         // the trainer's validation batches (val_loss)
                64,        // validation windows: 8,128 tokens scored exactly by both objectives
                16,        // K of the diffusion bound
                0,         // every multiple-choice item
                2,         // K of a diffusion MC bound: unused with the chain rule
                "chain-rule", // diffusion endings scored exactly, like for like with AR
                List.of(1L, 2L, 3L));
    }

    /** The tokens of tiny-data/bytes/train.bin: the tiny preset's largest U is all of it. */
    static final long TINY_TRAIN_TOKENS = 1_088_717L;

    static SweepSpec small() {
        // tiny's grid with a second, 2x wider and 2x deeper model.
        var narrow = new SweepSpec.ModelSpec("c64", 128, 64, 2, 4, 4, "rope");
        var wide = new SweepSpec.ModelSpec("c128", 128, 128, 4, 4, 4, "rope");
        return new SweepSpec("small", "tiny-data/bytes", "tiny-data/mc-val.jsonl", "tiny-data/mc-hard.jsonl",
                List.of("ar", "diffusion"), List.of(8_192L, 65_536L, TINY_TRAIN_TOKENS), 10_485_760L,
                List.of(narrow, wide), List.of(new SweepSpec.RegularizerSpec("mask0.1-drop0.1", 0.1, 0.1, List.of(8_192L))),
                32, 3e-3, 3e-4, 20, 0.1, 4, 8, 64, 16, 0, 2, "chain-rule", List.of(1L, 2L, 3L));
    }

    static SweepSpec gpu() {
        var m30 = new SweepSpec.ModelSpec("gpt-30m", 256, 384, 6, 6, 4, "rope");
        var m60 = new SweepSpec.ModelSpec("gpt-60m", 256, 512, 8, 8, 4, "rope");
        return new SweepSpec("gpu", "data/gpt2", "tiny-data/mc-val.jsonl", null, List.of("ar", "diffusion"),
                List.of(1L << 20, 4L << 20, 16L << 20, 64L << 20), 98_304_000L, // 94 to 1.5 epochs; 6000 steps of 64 x 256
                List.of(m30, m60), List.of(new SweepSpec.RegularizerSpec("mask0.1", 0.1, 0, List.of(1L << 20))),
                64, 6e-4, 6e-5, 200, 0.1, 12, 20, 64, 16, 300, 8, "chain-rule", List.of(1L, 2L, 3L));
    }
}
