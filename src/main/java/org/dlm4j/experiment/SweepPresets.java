package org.dlm4j.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The named sweeps, and sweep spec files. Each preset is the paper's grid shrunk to a machine:
 * <ul>
 *   <li>{@code tiny}: tiny-data/bytes on a laptop CPU, one seed in 9.3 minutes on two cores
 *       (measured, see CROSSOVER.md); U from 8 KiB (512 epochs) to 500 KiB (8.2 epochs, all of
 *       train.bin) at M = 4,194,304 tokens, with a 133k-parameter rope model at T 128. Rotary
 *       positions because with a learned table the diffusion model never left the unigram
 *       plateau at this size; T 128 so that a multiple-choice context keeps more than its last
 *       sentence.</li>
 *   <li>{@code small}: tiny's grid with two model sizes (133k and about 0.85M parameters) and AR input
 *       masking; about two hours per seed on two cores (estimated from tiny's 9.3 minutes and the
 *       wider model's about 7x FLOPs per token, not run).</li>
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
        // C 64, 2 layers, 4 heads, rotary positions (137k parameters with the byte vocabulary) at T 128: twice the
        // model preset "tiny"'s window, so that a multiple-choice context keeps its last two or three sentences.
        var model = new SweepSpec.ModelSpec("tiny", 128, 64, 2, 4, 4, "rope");
        return new SweepSpec("tiny", "tiny-data/bytes", "tiny-data/mc-val.jsonl", List.of("ar", "diffusion"),
                List.of(8_192L, 32_768L, 131_072L, 512_000L), // 512, 128, 32 and 8.2 epochs (512,000: all of train.bin)
                4_194_304L,                                 // M: 1,024 steps of 32 x 128 tokens
                List.of(model), List.of(),
                32,        // B
                3e-3,      // peak lr, as the train preset tiny
                3e-4,      // min lr
                20,        // warm-up steps
                0.1,       // weight decay
                4,         // evaluation points after step 0
                8,         // validation batches (32,768 tokens)
                200,       // MC items per evaluation (the first 200 of 300: the chain rule costs ~20 passes per ending)
                2,         // K: unused with the chain rule
                "chain-rule", // diffusion endings scored exactly: a K = 2 bound's noise moved delta NLL by +-0.6 nats
                List.of(1L, 2L, 3L));
    }

    static SweepSpec small() {
        // tiny's grid with a second, 2x wider and 2x deeper model, and AR input masking as a regulariser.
        var narrow = new SweepSpec.ModelSpec("c64", 128, 64, 2, 4, 4, "rope");
        var wide = new SweepSpec.ModelSpec("c128", 128, 128, 4, 4, 4, "rope");
        return new SweepSpec("small", "tiny-data/bytes", "tiny-data/mc-val.jsonl", List.of("ar", "diffusion"),
                List.of(8_192L, 32_768L, 131_072L, 512_000L), 4_194_304L, // 512 to 8.2 epochs; 1,024 steps of 32 x 128
                List.of(narrow, wide), List.of(new SweepSpec.RegularizerSpec("mask0.1", 0.1, 0)),
                32, 3e-3, 3e-4, 20, 0.1, 4, 8, 300, 2, "chain-rule", List.of(1L, 2L, 3L));
    }

    static SweepSpec gpu() {
        var m30 = new SweepSpec.ModelSpec("gpt-30m", 256, 384, 6, 6, 4, "rope");
        var m60 = new SweepSpec.ModelSpec("gpt-60m", 256, 512, 8, 8, 4, "rope");
        return new SweepSpec("gpu", "data/gpt2", "tiny-data/mc-val.jsonl", List.of("ar", "diffusion"),
                List.of(1L << 20, 4L << 20, 16L << 20, 64L << 20), 98_304_000L, // 94 to 1.5 epochs; 6000 steps of 64 x 256
                List.of(m30, m60), List.of(new SweepSpec.RegularizerSpec("mask0.1", 0.1, 0)),
                64, 6e-4, 6e-5, 200, 0.1, 12, 20, 300, 8, "chain-rule", List.of(1L, 2L, 3L));
    }
}
