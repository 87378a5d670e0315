package org.dlm4j.data;

import java.util.ArrayList;
import java.util.List;
import org.dlm4j.kernels.Rng;

/**
 * Turns held-out stories into multiple-choice items. The context is a prefix of a story cut after at least
 * two events; the endings are four claims of one kind about the same state ({@link Claim}): the true one
 * and three that are false in the world the context describes (another place, another count, another
 * holder). Exactly one ending holds, and which one needs the state tracked through the story.
 */
public final class MultipleChoiceBuilder {
    public static final int ENDINGS = 4;

    /** An item together with the state model it was built from (so tests can check it). */
    public record Built(MultipleChoice item, World state, List<Claim> endings) {
    }

    private MultipleChoiceBuilder() {
    }

    /**
     * Up to {@code perStory} items from {@code story}, each with its own cut point; ids are
     * {@code <idPrefix>-<k>}.
     */
    public static List<Built> build(Story story, String idPrefix, int perStory, Rng rng) {
        var items = new ArrayList<Built>();
        int first = story.setupSentences() + 2;
        int last = story.sentences().size() - 1; // before "The end."
        for (int k = 0; k < perStory && first <= last; k++) {
            int cut = first + rng.nextInt(last - first + 1);
            World state = story.states().get(cut - 1);
            List<Claim> endings = endings(state, rng);
            int label = endings.indexOf(endings.stream().filter(c -> c.holds(state)).findFirst().orElseThrow());
            var texts = endings.stream().map(c -> c.render(state)).toList();
            items.add(new Built(new MultipleChoice(idPrefix + "-" + k, story.prefix(cut), texts, label), state, endings));
        }
        return items;
    }

    /** Four claims of one kind, exactly one true, the true one at a uniformly random position. */
    private static List<Claim> endings(World state, Rng rng) {
        while (true) {
            var kind = StoryGenerator.ClaimKind.values()[rng.nextInt(StoryGenerator.ClaimKind.values().length)];
            Claim truth = StoryGenerator.trueClaim(kind, rng, state);
            if (truth == null) {
                continue;
            }
            List<Claim> wrong = falseClaims(truth, state);
            if (wrong.size() < ENDINGS - 1) {
                continue;
            }
            int[] order = new int[wrong.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            rng.shuffle(order);
            var endings = new ArrayList<Claim>();
            for (int i = 0; i < ENDINGS - 1; i++) {
                endings.add(wrong.get(order[i]));
            }
            endings.add(rng.nextInt(ENDINGS), truth);
            return endings;
        }
    }

    /** Claims like {@code truth} (same subject where possible) that are false in {@code state}. */
    private static List<Claim> falseClaims(Claim truth, World state) {
        var candidates = new ArrayList<Claim>();
        switch (truth) {
            case Claim.CharacterPlace cp -> {
                for (int p = 0; p < state.numPlaces(); p++) {
                    candidates.add(new Claim.CharacterPlace(cp.character(), p));
                }
            }
            case Claim.ObjectPlace op -> {
                for (int p = 0; p < state.numPlaces(); p++) {
                    candidates.add(new Claim.ObjectPlace(op.object(), p));
                }
            }
            case Claim.FruitCount fc -> {
                for (int n = Math.max(0, fc.count() - 3); n <= Math.min(Words.MAX_COUNT, fc.count() + 3); n++) {
                    candidates.add(new Claim.FruitCount(fc.character(), n));
                }
            }
            case Claim.ObjectHolder oh -> {
                for (int c = 0; c < state.numCharacters(); c++) {
                    candidates.add(new Claim.ObjectHolder(oh.object(), c));
                }
                for (int o = 0; o < state.numObjects(); o++) {
                    candidates.add(new Claim.ObjectHolder(o, oh.character()));
                }
            }
        }
        return candidates.stream().distinct().filter(c -> !c.holds(state)).toList();
    }
}
