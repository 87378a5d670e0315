package org.dlm4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One generated story: its sentences, the world's state after each of them ({@code states.get(i)} is the
 * state once {@code sentences.get(i)} has been told) and the place fact each sentence states, if any.
 * {@code setupSentences} is how many leading sentences introduce the world rather than change it.
 *
 * @param placeFacts per sentence, the {@link Claim.CharacterPlace} or {@link Claim.ObjectPlace} it states in
 *                   words ("Mia ran to the park.", "Tom left the key in the cave.", "Now the cup was in the
 *                   barn."), or null when it states none. An object that moves with the character holding it
 *                   changes place without such a sentence.
 */
public record Story(List<String> sentences, List<World> states, List<Claim> placeFacts, int setupSentences) {
    public Story {
        sentences = List.copyOf(sentences);
        states = List.copyOf(states);
        placeFacts = Collections.unmodifiableList(new ArrayList<>(placeFacts)); // may hold nulls
        if (sentences.size() != states.size() || sentences.size() != placeFacts.size()) {
            throw new IllegalArgumentException("a story needs one state and one place fact (or null) per sentence");
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
