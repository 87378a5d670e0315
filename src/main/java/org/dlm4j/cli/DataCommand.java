package org.dlm4j.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dlm4j.data.AtomicOutput;
import org.dlm4j.data.BpeTrainer;
import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.data.CorpusStats;
import org.dlm4j.data.DatasetMeta;
import org.dlm4j.data.DatasetWriter;
import org.dlm4j.data.DocumentSplit;
import org.dlm4j.data.Gpt2Tokenizer;
import org.dlm4j.data.InputPaths;
import org.dlm4j.data.PreparedDataset;
import org.dlm4j.data.SynthCorpus;
import org.dlm4j.data.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dlm4j data}: prepare token datasets from text, and generate the synthetic story corpus. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Prepare token datasets and generate the synthetic corpus.",
        subcommands = {DataCommand.Prepare.class, DataCommand.Synth.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: prepare or synth");
    }

    /** Tokenizer choices of {@code prepare}. */
    enum TokenizerChoice { bytes, bpe, gpt2 }

    @Command(name = "prepare", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Tokenize text file(s) into a dataset folder: train.bin, val.bin, meta.json"
                    + " (+ tokenizer.json for bpe). The last --val-fraction of the documents becomes validation.")
    static final class Prepare implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "TEXT", description = "UTF-8 text files, read in the order given.")
        List<Path> inputs;

        @Option(names = "--out", required = true, description = "Output dataset folder.")
        Path out;

        @Option(names = "--tokenizer", defaultValue = "bytes",
                description = "bytes, bpe or gpt2 (default: ${DEFAULT-VALUE}).")
        TokenizerChoice tokenizer;

        @Option(names = "--vocab-size", defaultValue = "1024",
                description = "Target BPE vocabulary size, specials included (bpe only; default: ${DEFAULT-VALUE}).")
        int vocabSize;

        @Option(names = "--val-fraction", defaultValue = "0.1",
                description = "Fraction of documents for validation, in (0, 1) (default: ${DEFAULT-VALUE}).")
        double valFraction;

        @Option(names = "--documents", defaultValue = "PARAGRAPH",
                description = "How files are cut into documents: FILE, PARAGRAPH (blank lines) or LINE (default: ${DEFAULT-VALUE}).")
        DocumentSplit documents;

        @Option(names = "--force", description = "Replace a non-empty existing --out folder.")
        boolean force;

        @Override
        public Integer call() {
            if (!(valFraction > 0 && valFraction < 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--val-fraction must be in (0, 1), got " + valFraction);
            }
            if (tokenizer != TokenizerChoice.bpe && spec.commandLine().getParseResult().hasMatchedOption("--vocab-size")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--vocab-size applies only to --tokenizer bpe");
            }
            if (tokenizer == TokenizerChoice.bpe) {
                try {
                    BpeTrainer.requireVocabSize(vocabSize);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            var allDocuments = new ArrayList<String>();
            for (Path input : inputs) {
                allDocuments.addAll(documents.split(readUtf8(input)));
            }
            List<List<String>> split = DatasetWriter.splitByDocument(allDocuments, valFraction);
            Tokenizer chosen = switch (tokenizer) {
                case bytes -> new ByteTokenizer();
                case gpt2 -> new Gpt2Tokenizer();
                case bpe -> BpeTrainer.train(split.get(0), vocabSize);
            };
            DatasetMeta meta = DatasetWriter.write(out, chosen, split.get(0), split.get(1), force);
            double entropy;
            try (var dataset = PreparedDataset.open(out)) {
                entropy = CorpusStats.unigramEntropy(dataset.train());
            }
            spec.commandLine().getOut().printf("wrote %s: %s vocab %d, train %d tokens (%d documents), val %d tokens"
                    + " (%d documents), train unigram entropy %.4f nats/token%n", out, meta.tokenizer(),
                    meta.vocabSize(), meta.trainTokens(), meta.trainDocuments(), meta.valTokens(),
                    meta.valDocuments(), entropy);
            return Main.EXIT_OK;
        }

        private static String readUtf8(Path file) {
            InputPaths.requireFile(file, "input file");
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("input file " + file + " is not valid UTF-8");
            } catch (IOException e) {
                throw AtomicOutput.failedUnchecked("read", file, e);
            }
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Generate the synthetic story corpus: stories-train.txt, stories-val.txt, mc-val.jsonl, mc-hard.jsonl"
                    + " and the byte dataset bytes/. With the defaults this is exactly tiny-data/.")
    static final class Synth implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--seed", defaultValue = "" + SynthCorpus.DEFAULT_SEED, description = "Generator seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--stories", defaultValue = "" + SynthCorpus.DEFAULT_STORIES,
                description = "Number of stories; every 10th is validation (default: ${DEFAULT-VALUE}).")
        int stories;

        @Option(names = "--out", defaultValue = "tiny-data", description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--force", description = "Replace the files this command writes if they exist.")
        boolean force;

        @Override
        public Integer call() {
            if (stories < SynthCorpus.VAL_EVERY) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--stories must be at least " + SynthCorpus.VAL_EVERY + ", got " + stories);
            }
            var corpus = SynthCorpus.write(out, seed, stories, force);
            double entropy;
            try (var dataset = PreparedDataset.open(out.resolve(SynthCorpus.BYTES_DIR))) {
                entropy = CorpusStats.unigramEntropy(dataset.train());
                spec.commandLine().getOut().printf("wrote %s: %d train and %d val stories, %d in-window and %d hard"
                        + " multiple-choice items, %d train / %d val byte tokens, train unigram entropy %.4f nats/token%n",
                        out, corpus.trainStories().size(), corpus.valStories().size(), corpus.multipleChoice().size(),
                        corpus.hardMultipleChoice().size(), dataset.meta().trainTokens(), dataset.meta().valTokens(),
                        entropy);
            }
            return Main.EXIT_OK;
        }
    }
}
