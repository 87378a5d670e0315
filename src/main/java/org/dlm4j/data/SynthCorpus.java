package org.dlm4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlm4j.kernels.Rng;

/**
 * The synthetic corpus in {@code tiny-data/}: stories from {@link StoryGenerator}, split by story (every
 * {@value #VAL_EVERY}th story, counting from 1, is validation), the two multiple-choice sets built from the
 * validation stories ({@link MultipleChoiceBuilder}: answers inside a window of {@value #MC_WINDOW_BYTES}
 * bytes, the tiny models' context, and the hard tier beyond it), and the byte-tokenized dataset folder,
 * all determined by (seed, stories).
 *
 * <p>Files written into the output folder:
 * <ul>
 *   <li>{@value #TRAIN_TEXT}, {@value #VAL_TEXT}: one story per line, UTF-8, {@code \n} line ends;
 *   <li>{@value #MC_FILE}: up to {@value #MC_PER_STORY} in-window items per validation story
 *       ({@link MultipleChoice} schema);
 *   <li>{@value #MC_HARD_FILE}: up to {@value #MC_HARD_PER_STORY} hard-tier items per validation story;
 *   <li>{@value #BYTES_DIR}/: train.bin, val.bin, meta.json from {@link ByteTokenizer}, one story per document.
 * </ul>
 */
public final class SynthCorpus {
    public static final long DEFAULT_SEED = 20251104L;
    public static final int DEFAULT_STORIES = 2000;
    public static final int VAL_EVERY = 10;
    public static final int MC_PER_STORY = 3;
    public static final int MC_HARD_PER_STORY = 2;
    /** The window the in-window items are built for: T = 128 bytes, the crossover presets' context. */
    public static final int MC_WINDOW_BYTES = 128;
    public static final String TRAIN_TEXT = "stories-train.txt";
    public static final String VAL_TEXT = "stories-val.txt";
    public static final String MC_FILE = "mc-val.jsonl";
    public static final String MC_HARD_FILE = "mc-hard.jsonl";
    public static final String BYTES_DIR = "bytes";
    /** The names written, in order. */
    public static final List<String> OUTPUTS = List.of(TRAIN_TEXT, VAL_TEXT, MC_FILE, MC_HARD_FILE, BYTES_DIR);
    /** Seeds the multiple-choice cut points and distractors (kept apart from the stories' stream). */
    private static final long MC_SEED_SALT = 0x6D632D76616CL;

    /** Everything the corpus holds, in memory. */
    public record Corpus(List<String> trainStories, List<String> valStories,
                         List<MultipleChoiceBuilder.Built> multipleChoice, List<MultipleChoiceBuilder.Built> hardMultipleChoice) {
    }

    private SynthCorpus() {
    }

    public static Corpus generate(long seed, int stories) {
        if (stories < VAL_EVERY) {
            throw new IllegalArgumentException("need at least " + VAL_EVERY + " stories for a validation split, got " + stories);
        }
        var generator = new StoryGenerator(seed);
        var train = new ArrayList<String>();
        var val = new ArrayList<String>();
        var mc = new ArrayList<MultipleChoiceBuilder.Built>();
        var hard = new ArrayList<MultipleChoiceBuilder.Built>();
        Rng mcRng = new Rng(seed ^ MC_SEED_SALT);
        for (int i = 1; i <= stories; i++) {
            Story story = generator.next();
            if (i % VAL_EVERY == 0) {
                val.add(story.text());
                String id = String.format("story%05d", i);
                mc.addAll(MultipleChoiceBuilder.build(story, id, MultipleChoiceBuilder.Tier.IN_WINDOW, MC_WINDOW_BYTES,
                        MC_PER_STORY, mcRng));
                hard.addAll(MultipleChoiceBuilder.build(story, id, MultipleChoiceBuilder.Tier.HARD, MC_WINDOW_BYTES,
                        MC_HARD_PER_STORY, mcRng));
            } else {
                train.add(story.text());
            }
        }
        return new Corpus(train, val, mc, hard);
    }

    /** Generates and writes the corpus into {@code out}; refuses to replace existing outputs unless {@code force}. */
    public static Corpus write(Path out, long seed, int stories, boolean force) {
        Corpus corpus = generate(seed, stories);
        AtomicOutput.writeEntries(out, OUTPUTS, force, folder -> {
            writeLines(folder.resolve(TRAIN_TEXT), corpus.trainStories());
            writeLines(folder.resolve(VAL_TEXT), corpus.valStories());
            MultipleChoice.writeJsonl(folder.resolve(MC_FILE),
                    corpus.multipleChoice().stream().map(MultipleChoiceBuilder.Built::item).toList());
            MultipleChoice.writeJsonl(folder.resolve(MC_HARD_FILE),
                    corpus.hardMultipleChoice().stream().map(MultipleChoiceBuilder.Built::item).toList());
            DatasetWriter.write(folder.resolve(BYTES_DIR), new ByteTokenizer(), corpus.trainStories(),
                    corpus.valStories(), false);
        });
        return corpus;
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        var text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
