package org.dlm4j.eval;

import java.util.Arrays;
import java.util.List;

import org.dlm4j.data.CorpusStats;
import org.dlm4j.data.MultipleChoice;
import org.dlm4j.data.TokenFile;
import org.dlm4j.data.Tokenizer;

/**
 * What a multiple-choice set gives away to rules that understand nothing, so that a model's accuracy
 * can be read against them (each is the expected accuracy, ties split evenly):
 * <ul>
 *   <li>{@code length}: pick the shortest ending (in tokens). Chance when the endings of an item are
 *       equally long.</li>
 *   <li>{@code recency}: pick the ending whose distinguishing words (what is left after the prefix and
 *       suffix all endings share) occur LAST in the context a model of window T sees (the context cut
 *       from the left as {@link MultipleChoiceEvaluator} cuts it); an ending not mentioned there loses.</li>
 *   <li>{@code unigram}: pick the ending with the highest probability under the training data's
 *       unigram distribution (token frequencies, add-one smoothing): word frequency without context.</li>
 * </ul>
 *
 * @param items   the number of items
 * @param length  the expected accuracy of the length rule
 * @param recency the expected accuracy of the recency rule
 * @param unigram the expected accuracy of the unigram rule
 * @param chance  1 / (number of endings), averaged over items
 */
public record McBaselines(int items, double length, double recency, double unigram, double chance) {

    /** The baselines of {@code items} for a model of context length {@code window} trained on {@code train}. */
    public static McBaselines score(List<MultipleChoice> items, Tokenizer tokenizer, int window, TokenFile train) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no multiple-choice items to score");
        }
        long[] counts = CorpusStats.unigramCounts(train);
        double total = train.length() + Math.max(counts.length, tokenizer.vocabSize());
        double length = 0;
        double recency = 0;
        double unigram = 0;
        double chance = 0;
        for (MultipleChoice item : items) {
            int k = item.endings().size();
            int[][] endings = new int[k][];
            for (int e = 0; e < k; e++) {
                endings[e] = tokenizer.encode(" " + item.endings().get(e));
            }
            double[] shortness = new double[k];
            double[] lastMention = new double[k];
            double[] logProb = new double[k];
            int[] context = tokenizer.encode(item.context());
            for (int e = 0; e < k; e++) {
                shortness[e] = -endings[e].length;
                int keep = Math.max(0, Math.min(context.length, window - endings[e].length));
                int[] visible = Arrays.copyOfRange(context, context.length - keep, context.length);
                lastMention[e] = lastOccurrence(visible, distinguishing(endings, e));
                for (int token : endings[e]) {
                    logProb[e] += Math.log(((token < counts.length ? counts[token] : 0) + 1) / total);
                }
            }
            length += winsWithTies(shortness, item.label());
            recency += winsWithTies(lastMention, item.label());
            unigram += winsWithTies(logProb, item.label());
            chance += 1.0 / k;
        }
        int n = items.size();
        return new McBaselines(n, length / n, recency / n, unigram / n, chance / n);
    }

    /** Ending e's tokens without the prefix and suffix that every ending shares. */
    static int[] distinguishing(int[][] endings, int e) {
        int prefix = endings[e].length;
        int suffix = endings[e].length;
        for (int[] other : endings) {
            int p = 0;
            while (p < Math.min(prefix, other.length) && other[p] == endings[e][p]) {
                p++;
            }
            prefix = p;
            int s = 0;
            while (s < Math.min(suffix, other.length) && other[other.length - 1 - s] == endings[e][endings[e].length - 1 - s]) {
                s++;
            }
            suffix = s;
        }
        int end = Math.max(prefix, endings[e].length - suffix);
        return Arrays.copyOfRange(endings[e], prefix, end);
    }

    /** The last index at which {@code needle} starts in {@code haystack}; -1 when absent or empty. */
    static int lastOccurrence(int[] haystack, int[] needle) {
        if (needle.length == 0) {
            return -1;
        }
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** 1/m when the label is one of the m endings with the highest score, else 0. */
    static double winsWithTies(double[] score, int label) {
        double best = Arrays.stream(score).max().orElseThrow();
        long ties = Arrays.stream(score).filter(v -> v == best).count();
        return score[label] == best ? 1.0 / ties : 0;
    }
}
