package org.dlm4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.dlm4j.data.BpeTokenizer;
import org.dlm4j.data.Tokenizer;
import org.dlm4j.data.Tokenizers;
import org.dlm4j.eval.LoadedModel;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.sample.ArSampler;
import org.dlm4j.sample.DiffusionOptions;
import org.dlm4j.sample.DiffusionSampler;
import org.dlm4j.sample.FullForwardDecoder;
import org.dlm4j.sample.Infill;
import org.dlm4j.sample.KvCacheDecoder;
import org.dlm4j.sample.NextTokenModel;
import org.dlm4j.sample.Remasking;
import org.dlm4j.sample.SamplingOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j sample}: generates text from a training run's checkpoint. The checkpoint decides the
 * sampler: a causal (AR) model decodes token by token with a KV cache ({@code --no-cache} re-runs the
 * whole prefix instead), sliding its window past the context ({@link ArSampler}); a bidirectional
 * (diffusion) model reveals masked positions over {@code --steps} steps, after a {@code --prompt} or
 * inside an {@code --infill} text. The same seed prints the same text.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Generate text from a checkpoint: AR (KV cache) or masked diffusion, as the model was trained.")
public final class SampleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A training run's folder (or its checkpoint/ folder).")
    Path checkpoint;

    @Option(names = "--prompt", defaultValue = "", description = "Text to continue (default: none; AR then starts"
            + " from an end-of-text token).")
    String prompt;

    @Option(names = "--infill", paramLabel = "TEXT",
            description = "Diffusion only: a text with spans [MASK:N] (N tokens each) to fill, e.g. \"The cat [MASK:5] the mat\".")
    String infill;

    @Option(names = "--length", description = "Tokens to generate (default: what the context leaves, at most 128;"
            + " an AR model goes on past its context by sliding the window).")
    Integer length;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--temperature", description = "0 for greedy (default: 1 for AR, 0 for diffusion).")
    Double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens (default: 0 = off).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus mass p in (0, 1] (default: 1 = off).")
    double topP;

    @Option(names = "--steps", description = "Diffusion steps S (default: one per generated token).")
    Integer steps;

    @Option(names = "--remasking", defaultValue = "low-confidence",
            description = "Diffusion: low-confidence or random (default: ${DEFAULT-VALUE}).")
    String remasking;

    @Option(names = "--block-length", defaultValue = "0",
            description = "Diffusion: generate blocks of this many positions left to right (default: 0 = one block).")
    int blockLength;

    @Option(names = "--no-cache", description = "AR: re-run the whole prefix for every token instead of the KV cache.")
    boolean noCache;

    @Option(names = "--show-steps", description = "Diffusion: print the sequence after every step.")
    boolean showSteps;

    @Option(names = "--tokenizer-file", paramLabel = "FILE",
            description = "The tokenizer JSON of a bpe dataset (tokenizer.json in its folder).")
    Path tokenizerFile;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        LoadedModel loaded = LoadedModel.load(checkpoint);
        Transformer model = loaded.model();
        requireOptionsFor(model.config().causal());
        String tokenizerName = loaded.state().data().tokenizer();
        if (tokenizerName.equals(BpeTokenizer.NAME) && tokenizerFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the checkpoint uses a bpe tokenizer;"
                    + " pass its dataset's tokenizer.json with --tokenizer-file FILE");
        }
        Tokenizer tokenizer = Tokenizers.byName(tokenizerName, tokenizerFile);
        if (tokenizer.vocabSize() != model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer '" + tokenizer.name() + "' has " + tokenizer.vocabSize()
                    + " ids but the model has " + model.config().vocabSize());
        }
        PrintWriter out = spec.commandLine().getOut();
        String text = model.config().causal() ? sampleAr(model, tokenizer) : sampleDiffusion(model, tokenizer, out);
        out.println(text);
        out.flush();
        return Main.EXIT_OK;
    }

    private String sampleAr(Transformer model, Tokenizer tokenizer) {
        int[] promptIds = tokenizer.encode(prompt);
        int[] start = promptIds.length == 0 ? new int[] {tokenizer.endOfTextId()} : promptIds;
        int context = model.config().contextLength();
        if (start.length > context) {
            throw new IllegalArgumentException("the prompt of " + start.length + " tokens exceeds the model's context of "
                    + context);
        }
        int count = length != null ? length : Math.min(128, context - start.length + 1);
        NextTokenModel decoder = noCache ? new FullForwardDecoder(model) : new KvCacheDecoder(model);
        int[] generated = ArSampler.generate(decoder, start, count, tokenizer.maskId(), sampling(1.0), new Rng(seed));
        return prompt + tokenizer.decode(generated);
    }

    private String sampleDiffusion(Transformer model, Tokenizer tokenizer, PrintWriter out) {
        int context = model.config().contextLength();
        int[] tokens;
        if (infill != null) {
            if (!prompt.isEmpty() || length != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--infill takes the whole text; do not combine it with --prompt or --length");
            }
            tokens = Infill.parse(infill, tokenizer).tokens();
        } else {
            int[] promptIds = tokenizer.encode(prompt);
            if (promptIds.length >= context) {
                throw new IllegalArgumentException("the prompt of " + promptIds.length
                        + " tokens leaves no room in the model's context of " + context);
            }
            int count = length != null ? length : Math.min(128, context - promptIds.length);
            tokens = new int[promptIds.length + count];
            System.arraycopy(promptIds, 0, tokens, 0, promptIds.length);
            Arrays.fill(tokens, promptIds.length, tokens.length, tokenizer.maskId());
        }
        int masked = 0;
        for (int id : tokens) {
            masked += id == tokenizer.maskId() ? 1 : 0;
        }
        DiffusionOptions options = new DiffusionOptions(steps != null ? steps : Math.max(1, masked),
                Remasking.of(remasking), blockLength, sampling(0.0));
        DiffusionSampler sampler = new DiffusionSampler(model, tokenizer.maskId());
        DiffusionSampler.StepListener listener = showSteps
                ? (step, x, revealed) -> out.println("step " + (step + 1) + ": " + tokenizer.decode(x))
                : null;
        return tokenizer.decode(sampler.fill(tokens, options, new Rng(seed), listener));
    }

    private SamplingOptions sampling(double defaultTemperature) {
        return new SamplingOptions(temperature != null ? temperature : defaultTemperature, topK, topP);
    }

    /** Option values that are wrong whatever the checkpoint: usage errors (exit 2). */
    private void checkOptions() {
        try {
            sampling(1.0);
            Remasking.of(remasking);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (length != null && length <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--length must be positive, got " + length);
        }
        if (steps != null && steps <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be positive, got " + steps);
        }
        if (blockLength < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--block-length must be >= 0 (0 = one block), got " + blockLength);
        }
    }

    /** Options of the other sampler are refused rather than silently ignored (exit 2). */
    private void requireOptionsFor(boolean causal) {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        List<String> other = causal
                ? List.of("--infill", "--steps", "--remasking", "--block-length", "--show-steps")
                : List.of("--no-cache");
        for (String option : other) {
            if (given.hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " needs "
                        + (causal ? "a diffusion model; this checkpoint is autoregressive"
                                : "an autoregressive model; this checkpoint is diffusion"));
            }
        }
    }
}
