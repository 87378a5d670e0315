package org.dlm4j.data;

import java.util.List;

/**
 * One generated story: its sentences and the world's state after each of them ({@code states.get(i)} is the
 * state once {@code sentences.get(i)} has been told). {@code setupSentences} is how many leading sentences
 * introduce the world rather than change it.
 */
public record Story(List<String> sentences, List<World> states, int setupSentences) {
    public Story {
        sentences = List.copyOf(sentences);
        states = List.copyOf(states);
        if (sentences.size() != states.size()) {
            throw new IllegalArgumentException("a story needs one state per sentence");
        }
    }

    /** The story as one line of text: sentences joined by single spaces. */
    public String text() {
        return String.join(" ", sentences);
    }

    /** The first {@code count} sentences joined by spaces. */
    public String prefix(int count) {
        return String.join(" ", sentences.subList(0, count));
    }
}
