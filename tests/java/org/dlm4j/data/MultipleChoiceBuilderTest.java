package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.dlm4j.data.MultipleChoiceBuilder.Built;
import org.dlm4j.data.MultipleChoiceBuilder.Tier;
import org.junit.jupiter.api.Test;

/**
 * The multiple-choice items: four equally long place endings with exactly one true; in-window items
 * whose answer was stated inside the last T bytes a model sees, hard items whose answer was not.
 */
class MultipleChoiceBuilderTest {
    private static final int WINDOW = SynthCorpus.MC_WINDOW_BYTES;
    private static final SynthCorpus.Corpus CORPUS = SynthCorpus.generate(77, 400);

    @Test
    void everyItemHasFourEquallyLongEndingsAndExactlyOneTrue() {
        int[] labelCounts = new int[MultipleChoiceBuilder.ENDINGS];
        for (Built built : all()) {
            MultipleChoice item = built.item();
            assertThat(item.endings()).hasSize(4).doesNotHaveDuplicates().allSatisfy(e -> assertThat(e).startsWith("Now "));
            assertThat(item.endings().stream().mapToInt(e -> bytes(e).length).distinct()).as(item.id()).hasSize(1);
            assertThat(built.endings().stream().filter(c -> c.holds(built.state()))).hasSize(1);
            assertThat(built.endings().get(item.label()).holds(built.state())).isTrue();
            assertThat(CORPUS.valStories()).anySatisfy(story -> assertThat(story).startsWith(item.context() + " "));
            labelCounts[item.label()]++;
        }
        assertThat(Arrays.stream(labelCounts).min().orElseThrow()).isGreaterThan(all().size() / 8);
    }

    @Test
    void inWindowAnswersWereStatedInsideTheLastWindowBytes() {
        assertThat(CORPUS.multipleChoice()).hasSizeGreaterThan(100).allSatisfy(built -> {
            assertThat(built.tier()).isEqualTo(Tier.IN_WINDOW);
            String visible = visibleContext(built);
            String decisive = sentenceOf(built);
            assertThat(visible).as(built.item().id()).contains(decisive);
            assertThat(decisive).contains("the " + place(built));
        });
    }

    @Test
    void hardAnswersLieBeforeTheWindowOrMoveUnsaid() {
        assertThat(CORPUS.hardMultipleChoice()).hasSizeGreaterThan(50).allSatisfy(built -> {
            assertThat(built.tier()).isEqualTo(Tier.HARD);
            boolean outside = !visibleContext(built).contains(sentenceOf(built));
            boolean held = built.endings().getFirst() instanceof Claim.ObjectPlace op && built.state().holder(op.object()) >= 0;
            assertThat(outside || held).as(built.item().id()).isTrue();
        });
    }

    @Test
    void aboutHalfTheInWindowItemsMentionAnotherPlaceAfterTheAnswer() {
        long recencyWrong = CORPUS.multipleChoice().stream()
                .filter(built -> !lastPlaceIn(visibleContext(built), built).equals(place(built))).count();
        assertThat((double) recencyWrong / CORPUS.multipleChoice().size()).isBetween(0.35, 0.65);
    }

    private static List<Built> all() {
        return java.util.stream.Stream.concat(CORPUS.multipleChoice().stream(), CORPUS.hardMultipleChoice().stream()).toList();
    }

    /** The part of the context a model of window T sees next to the ending: its last T - |" " + ending| bytes. */
    private static String visibleContext(Built built) {
        byte[] context = bytes(built.item().context());
        int keep = WINDOW - bytes(" " + built.item().endings().getFirst()).length;
        return new String(Arrays.copyOfRange(context, Math.max(0, context.length - keep), context.length),
                StandardCharsets.UTF_8);
    }

    /** The story sentence that last stated the subject's place. */
    private static String sentenceOf(Built built) {
        String context = built.item().context();
        return CORPUS.valStories().stream().filter(s -> s.startsWith(context + " ")).findFirst().orElseThrow()
                .split("(?<=\\.) ")[built.decisiveSentence()];
    }

    private static String place(Built built) {
        String truth = built.item().endings().get(built.item().label());
        return truth.substring(truth.length() - 5, truth.length() - 1);
    }

    private static String lastPlaceIn(String text, Built built) {
        String best = "";
        int bestAt = -1;
        for (String ending : built.item().endings()) {
            String place = ending.substring(ending.length() - 5, ending.length() - 1);
            int at = text.lastIndexOf("the " + place);
            if (at > bestAt) {
                best = place;
                bestAt = at;
            }
        }
        return best;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
