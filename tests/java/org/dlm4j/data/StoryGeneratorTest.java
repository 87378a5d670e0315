package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoryGeneratorTest {

    @Test
    void sameSeedGivesTheSameStoriesAndAnotherSeedOthers() {
        List<String> a = new StoryGenerator(5).generate(50).stream().map(Story::text).toList();
        List<String> b = new StoryGenerator(5).generate(50).stream().map(Story::text).toList();
        List<String> c = new StoryGenerator(6).generate(50).stream().map(Story::text).toList();
        assertThat(a).isEqualTo(b);
        assertThat(a).doesNotContainAnyElementsOf(c);
        assertThat(a).allSatisfy(text -> assertThat(text).startsWith("Once upon a time, there was ")
                .endsWith(" The end.").doesNotContain("\n"));
    }

    @Test
    void everyRestatementOfTheStateIsTrue() {
        for (Story story : new StoryGenerator(9).generate(200)) {
            for (int i = 0; i < story.sentences().size(); i++) {
                String sentence = story.sentences().get(i);
                if (!sentence.startsWith("Now ")) {
                    continue;
                }
                World state = story.states().get(i);
                String claimText = sentence.startsWith("Now the ") ? "The " + sentence.substring(8) : sentence.substring(4);
                assertThat(allClaims(state).stream().filter(c -> c.render(state).equals(claimText)))
                        .as(sentence).singleElement().matches(c -> c.holds(state));
            }
        }
    }

    @Test
    void everyPlaceFactIsTrueAfterItsSentenceAndEveryMoveStatesOne() {
        for (Story story : new StoryGenerator(4).generate(200)) {
            for (int i = 0; i < story.sentences().size(); i++) {
                Claim fact = story.placeFacts().get(i);
                World state = story.states().get(i);
                if (fact != null) {
                    assertThat(fact.holds(state)).as(story.sentences().get(i)).isTrue();
                    String place = fact instanceof Claim.CharacterPlace cp ? state.place(cp.place())
                            : state.place(((Claim.ObjectPlace) fact).place());
                    assertThat(story.sentences().get(i)).contains("the " + place);
                }
                if (i > 0) {
                    for (int c = 0; c < state.numCharacters(); c++) {
                        if (state.placeOf(c) != story.states().get(i - 1).placeOf(c)) {
                            assertThat(fact).as(story.sentences().get(i)).isEqualTo(new Claim.CharacterPlace(c, state.placeOf(c)));
                        }
                    }
                }
            }
        }
    }

    @Test
    void trackedStateFollowsTheNarratedEvents() {
        for (Story story : new StoryGenerator(3).generate(200)) {
            for (int i = story.setupSentences(); i < story.sentences().size(); i++) {
                World before = story.states().get(i - 1);
                World after = story.states().get(i);
                String sentence = story.sentences().get(i);
                for (int o = 0; o < after.numObjects(); o++) {
                    if (sentence.contains(" gave the " + after.object(o) + " to ")) {
                        int giver = before.holder(o);
                        assertThat(giver).isNotEqualTo(World.NOBODY);
                        assertThat(after.placeOf(after.holder(o))).isEqualTo(before.placeOf(giver));
                        assertThat(sentence).endsWith(" to " + after.name(after.holder(o)) + ".");
                    }
                }
                int total = 0;
                int totalBefore = 0;
                for (int c = 0; c < after.numCharacters(); c++) {
                    total += after.fruitCount(c);
                    totalBefore += before.fruitCount(c);
                }
                if (sentence.contains(" ate one ")) {
                    assertThat(total).isEqualTo(totalBefore - 1);
                } else if (!sentence.contains(" found ") || sentence.contains(" and picked it up.")) {
                    assertThat(total).as(sentence).isEqualTo(totalBefore); // gifts move fruit, they do not make it
                }
            }
        }
    }

    private static List<Claim> allClaims(World w) {
        var claims = new java.util.ArrayList<Claim>();
        for (int c = 0; c < w.numCharacters(); c++) {
            for (int p = 0; p < w.numPlaces(); p++) {
                claims.add(new Claim.CharacterPlace(c, p));
            }
            for (int n = 0; n <= 12; n++) {
                claims.add(new Claim.FruitCount(c, n));
            }
            for (int o = 0; o < w.numObjects(); o++) {
                claims.add(new Claim.ObjectHolder(o, c));
            }
        }
        for (int o = 0; o < w.numObjects(); o++) {
            for (int p = 0; p < w.numPlaces(); p++) {
                claims.add(new Claim.ObjectPlace(o, p));
            }
        }
        return claims;
    }
}
