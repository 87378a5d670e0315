package org.dlm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.eval.Flops;
import org.dlm4j.model.TransformerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j flops}: the analytic cost of generation for a model preset, AR with a KV cache against
 * masked diffusion with S = L steps and no cache (formulas in {@link Flops}), one row per generation
 * length; {@code --json} prints a JSON array of {gen_length, ar_flops, dlm_flops, ratio}.
 */
@Command(name = "flops", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compare the FLOPs of AR generation (KV cache) and diffusion generation (S = L steps, no cache).")
public final class FlopsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "paper-1b",
            description = "Model size: tiny, small, reference or paper-1b (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--gen-lengths", defaultValue = "16,256,1024,4096", paramLabel = "N,N,...",
            description = "Generation lengths L, comma-separated (default: ${DEFAULT-VALUE}).")
    String genLengths;

    @Option(names = "--prompt-length", defaultValue = "0", description = "Prompt length P (default: ${DEFAULT-VALUE}).")
    int promptLength;

    @Option(names = "--vocab-size", description = "Vocabulary V (default: 50304 for paper-1b, 258 (bytes) otherwise).")
    Integer vocabSize;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        TransformerConfig config = config();
        if (promptLength < 0) {
            throw usage("--prompt-length must be >= 0, got " + promptLength);
        }
        List<Integer> lengths = parseLengths(genLengths);
        List<long[]> rows = new ArrayList<>();
        for (int length : lengths) {
            rows.add(new long[] {length, Flops.arGeneration(config, promptLength, length),
                    Flops.diffusionGeneration(config, promptLength, length, length)});
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (long[] row : rows) {
                ObjectNode node = array.addObject();
                node.put("gen_length", row[0]);
                node.put("ar_flops", row[1]);
                node.put("dlm_flops", row[2]);
                node.put("ratio", row[2] / (double) row[1]);
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else {
            printTable(out, config, rows);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private void printTable(PrintWriter out, TransformerConfig config, List<long[]> rows) {
        long n = Flops.matmulParameters(config);
        int t = config.contextLength();
        out.printf(Locale.ROOT, "%s: C %d, %d layers, %d heads, context %d, vocab %d; N = %.3e weights in products%n",
                preset, config.dModel(), config.numLayers(), config.numHeads(), t, config.vocabSize(), (double) n);
        out.printf(Locale.ROOT, "training FLOPs/token at T %d: AR %.3e (%.3f x 6N), diffusion %.3e (%.3f x 6N)%n", t,
                Flops.trainingPerToken(config.withCausal(true), t), Flops.trainingPerToken(config.withCausal(true), t) / (6.0 * n),
                Flops.trainingPerToken(config.withCausal(false), t), Flops.trainingPerToken(config.withCausal(false), t) / (6.0 * n));
        out.printf(Locale.ROOT, "generation after a prompt of %d tokens: AR with a KV cache vs diffusion with S = L steps,"
                + " no cache%n", promptLength);
        out.printf(Locale.ROOT, "%10s  %14s  %14s  %10s%n", "gen_length", "ar_flops", "dlm_flops", "ratio");
        for (long[] row : rows) {
            out.printf(Locale.ROOT, "%10d  %14.4e  %14.4e  %10.1f%n", row[0], (double) row[1], (double) row[2],
                    row[2] / (double) row[1]);
        }
    }

    private TransformerConfig config() {
        int vocab = vocabSize != null ? vocabSize
                : "paper-1b".equals(preset) ? TransformerConfig.PAPER_VOCAB_SIZE : ByteTokenizer.VOCAB_SIZE;
        if (vocab <= 0) {
            throw usage("--vocab-size must be positive, got " + vocab);
        }
        try {
            return TransformerConfig.preset(preset, vocab);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private List<Integer> parseLengths(String text) {
        List<Integer> lengths = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int length;
            try {
                length = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw usage("--gen-lengths must be comma-separated positive integers, got '" + text + "'");
            }
            if (length <= 0) {
                throw usage("--gen-lengths must be positive, got " + length);
            }
            lengths.add(length);
        }
        return lengths;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
