package org.dlm4j.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dlm4j.kernels.Rng;

/**
 * Turns held-out stories into multiple-choice items about where someone or something is. The context is
 * a prefix of a story; the four endings restate the place of one character or object in each of the
 * story's four places ("Now Mia was in the park.", "... barn.", ...), exactly one of them true in the
 * world the context describes. All place names have four letters, so the endings of an item have equal
 * byte lengths: a model gains nothing by preferring short endings, and an untrained model's delta NLL
 * starts near zero.
 *
 * <p>Two tiers, by where the answer is:
 * <ul>
 *   <li>{@link Tier#IN_WINDOW}: the sentence that last stated the fact ("Mia ran to the park.", "Tom
 *       left the cup in the barn.", "Now Mia was in the park.") lies inside the model's window: within
 *       the last {@code windowBytes} bytes of context + " " + ending, the part a model of context length
 *       T = windowBytes sees. A model that tracks who went where in its window can answer.</li>
 *   <li>{@link Tier#HARD}: state tracking beyond the window: that sentence lies before the window, or the
 *       object is held by someone and moved with them (its place is its holder's, never said outright).
 *       A byte model of this window can only answer by chance or luck; larger windows and models can.</li>
 * </ul>
 */
public final class MultipleChoiceBuilder {
    /** Endings per item: one per place of the story. */
    public static final int ENDINGS = 4;

    /** Where the answer lies relative to the model's window. */
    public enum Tier { IN_WINDOW, HARD }

    /**
     * An item together with what it was built from (so tests can check it).
     *
     * @param decisiveSentence the index of the sentence that last stated the subject's place
     */
    public record Built(MultipleChoice item, World state, List<Claim> endings, Tier tier, int decisiveSentence) {
    }

    /** A question before its endings are drawn: where is the subject of {@code truth} after the context. */
    private record Candidate(String context, World state, Claim truth, Tier tier, int decisiveSentence,
                             boolean answerIsLastPlace) {
    }

    private MultipleChoiceBuilder() {
    }

    /**
     * Up to {@code perStory} items of {@code tier} from {@code story}, distinct (cut, subject) pairs drawn
     * at random from every candidate; ids are {@code <idPrefix>-<k>}.
     */
    public static List<Built> build(Story story, String idPrefix, Tier tier, int windowBytes, int perStory, Rng rng) {
        List<Candidate> candidates = new ArrayList<>();
        int last = story.sentences().size() - 1; // before "The end."
        for (int cut = story.setupSentences() + 1; cut <= last; cut++) {
            World state = story.states().get(cut - 1);
            for (int c = 0; c < state.numCharacters(); c++) {
                candidates.add(candidate(story, cut, c, true, tier, windowBytes));
            }
            for (int o = 0; o < state.numObjects(); o++) {
                candidates.add(candidate(story, cut, o, false, tier, windowBytes));
            }
        }
        candidates.removeIf(c -> c == null);
        // Half the in-window items, where possible, have another place mentioned after the answer, so that
        // "the place mentioned last" is wrong there and answering needs who-went-where, not recency.
        List<List<Candidate>> groups = List.of(new ArrayList<>(), new ArrayList<>());
        for (Candidate candidate : candidates) {
            groups.get(tier == Tier.IN_WINDOW && !candidate.answerIsLastPlace() ? 1 : 0).add(candidate);
        }
        List<Built> items = new ArrayList<>();
        for (int k = 0; k < perStory && !(groups.get(0).isEmpty() && groups.get(1).isEmpty()); k++) {
            List<Candidate> group = groups.get(rng.nextInt(2));
            if (group.isEmpty()) {
                group = groups.get(0).isEmpty() ? groups.get(1) : groups.get(0);
            }
            items.add(withEndings(group.remove(rng.nextInt(group.size())), idPrefix + "-" + k, rng));
        }
        return items;
    }

    /** The item asking where {@code subject} is after {@code cut} sentences, if it belongs to {@code tier}. */
    private static Candidate candidate(Story story, int cut, int subject, boolean character, Tier tier, int windowBytes) {
        World state = story.states().get(cut - 1);
        int decisive = -1;
        for (int i = cut - 1; i >= 0 && decisive < 0; i--) {
            Claim fact = story.placeFacts().get(i);
            boolean about = character
                    ? fact instanceof Claim.CharacterPlace cp && cp.character() == subject
                    : fact instanceof Claim.ObjectPlace op && op.object() == subject;
            decisive = about ? i : -1;
        }
        if (decisive < 0) {
            return null;
        }
        boolean movedUnsaid = !character && heldSince(story, decisive, cut, subject);
        Claim truth = character ? new Claim.CharacterPlace(subject, state.placeOf(subject))
                : new Claim.ObjectPlace(subject, state.placeOfObject(subject));
        String context = story.prefix(cut);
        int ending = utf8Length(" " + truth.restate(state));
        int visibleFrom = utf8Length(context) - (windowBytes - ending);
        boolean inWindow = !movedUnsaid && utf8Length(story.prefix(decisive)) + (decisive > 0 ? 1 : 0) >= visibleFrom;
        if ((tier == Tier.IN_WINDOW) != inWindow) {
            return null;
        }
        String visible = context.substring(Math.max(0, visibleFrom)); // ASCII: bytes are characters
        return new Candidate(context, state, truth, tier, decisive, lastPlaceMentioned(visible, state) == truthPlace(truth));
    }

    /** The place whose name occurs last in {@code text} ("... the park ..."), or -1 when none does. */
    static int lastPlaceMentioned(String text, World state) {
        int best = -1;
        int bestAt = -1;
        for (int p = 0; p < state.numPlaces(); p++) {
            int at = text.lastIndexOf("the " + state.place(p));
            if (at > bestAt) {
                best = p;
                bestAt = at;
            }
        }
        return best;
    }

    private static int truthPlace(Claim truth) {
        return switch (truth) {
            case Claim.CharacterPlace cp -> cp.place();
            case Claim.ObjectPlace op -> op.place();
            default -> throw new IllegalStateException("place items only");
        };
    }

    /** Whether the object was held by someone in any state from sentence {@code from} to {@code cut - 1}. */
    private static boolean heldSince(Story story, int from, int cut, int object) {
        for (int i = from; i < cut; i++) {
            if (story.states().get(i).holder(object) != World.NOBODY) {
                return true;
            }
        }
        return false;
    }

    /** The candidate with its four endings (the true place at a uniformly random position). */
    private static Built withEndings(Candidate candidate, String id, Rng rng) {
        World state = candidate.state();
        Claim truth = candidate.truth();
        int[] places = new int[state.numPlaces()];
        for (int p = 0; p < places.length; p++) {
            places[p] = p;
        }
        rng.shuffle(places);
        List<Claim> endings = new ArrayList<>();
        for (int p : places) {
            endings.add(switch (truth) {
                case Claim.CharacterPlace cp -> new Claim.CharacterPlace(cp.character(), p);
                case Claim.ObjectPlace op -> new Claim.ObjectPlace(op.object(), p);
                default -> throw new IllegalStateException("place items only");
            });
        }
        int label = endings.indexOf(truth);
        List<String> texts = endings.stream().map(c -> c.restate(state)).toList();
        var item = new MultipleChoice(id, candidate.context(), texts, label);
        return new Built(item, state, endings, candidate.tier(), candidate.decisiveSentence());
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
