package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {

    @Test
    void learnsTheMostFrequentPairFirstAndMergesMergedSymbols() {
        // "aaaa" twice: (a,a) occurs 6 times -> 258; then the piece is [258, 258] twice -> 259.
        var bpe = BpeTrainer.train(List.of("aaaa", "aaaa"), 300);
        assertThat(bpe.merges()).containsExactly(new int[] {97, 97}, new int[] {258, 258});
        assertThat(bpe.vocabSize()).isEqualTo(260); // stops early: no pair left occurs twice
        assertThat(bpe.encode("aaaa")).containsExactly(259);
        assertThat(bpe.encode("aaa")).containsExactly(258, 97);
    }

    @Test
    void breaksTiesByTheSmallestPairOfIds() {
        // pieces "ab" and " cd" twice each: (32,99), (97,98), (99,100) all count 2; ' '=32 wins, then 'a'=97.
        var bpe = BpeTrainer.train(List.of("ab cd", "ab cd"), 1000);
        assertThat(bpe.merges()).containsExactly(new int[] {32, 99}, new int[] {97, 98}, new int[] {258, 100});
        assertThat(bpe.encode("ab cd")).containsExactly(259, 260);
    }

    @Test
    void neverMergesAcrossPreSplitBoundaries() {
        var bpe = BpeTrainer.train(List.of("a.a.a.a.a."), 1000);
        for (int[] merge : bpe.merges()) {
            assertThat(merge).doesNotContain((int) 'a');
        }
        assertThat(PreSplitter.split("Hi, you  there!\n")).containsExactly("Hi", ",", " you", " ", " there", "!", "\n");
    }

    @Test
    void roundTripsTextItNeverSaw() {
        var bpe = BpeTrainer.train(List.of("the cat sat on the mat. the cat ate the rat."), 300);
        assertThat(bpe.vocabSize()).isGreaterThan(258).isLessThanOrEqualTo(300);
        String unseen = "Zoë's 🦊 jumped over 42 lazy dogs!\r\n\t  end";
        assertThat(bpe.decode(bpe.encode(unseen))).isEqualTo(unseen);
        String seen = "the cat sat on the mat.";
        assertThat(bpe.encode(seen).length).isLessThan(seen.length());
        assertThat(bpe.decode(bpe.encode(seen))).isEqualTo(seen);
    }

    @Test
    void reachesTheTargetVocabOnEnoughText() {
        String text = new StoryGenerator(1).generate(30).stream().map(Story::text).reduce("", String::concat);
        var bpe = BpeTrainer.train(List.of(text), 400);
        assertThat(bpe.vocabSize()).isEqualTo(400);
        assertThat(bpe.decode(bpe.encode(text))).isEqualTo(text);
        assertThat(BpeTrainer.train(List.of(text), 400).merges()).containsExactlyElementsOf(bpe.merges());
    }

    @Test
    void savesAndLoadsTheSameTokenizer(@TempDir Path dir) throws Exception {
        var bpe = BpeTrainer.train(List.of("the cat sat on the mat. the cat ate the rat."), 300);
        Path file = dir.resolve("tokenizer.json");
        bpe.save(file);
        var loaded = BpeTokenizer.load(file);
        assertThat(loaded.merges()).containsExactlyElementsOf(bpe.merges());
        assertThat(loaded.encode("the rat sat")).containsExactly(bpe.encode("the rat sat"));
        Path again = dir.resolve("again.json");
        loaded.save(again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
        assertThat(Tokenizers.byName("bpe", file).vocabSize()).isEqualTo(bpe.vocabSize());
    }

    @Test
    void rejectsBadFilesAndSizes(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BpeTrainer.train(List.of("x"), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 258");
        assertThatThrownBy(() -> BpeTokenizer.load(dir.resolve("none.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{not json");
        assertThatThrownBy(() -> BpeTokenizer.load(broken))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken.json").hasMessageNotContaining("\n");
        Path forward = Files.writeString(dir.resolve("forward.json"), """
                {"type":"dlm4j-bpe","version":1,"pre_split":%s,"vocab_size":259,"end_of_text_id":256,"mask_id":257,
                 "merges":[[97,300]]}""".formatted(com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(PreSplitter.PATTERN_TEXT)));
        assertThatThrownBy(() -> BpeTokenizer.load(forward))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merge 0");
    }

    @Test
    void decodesSpecialIdsAsMarkers() {
        var bpe = BpeTrainer.train(List.of("aaaa", "aaaa"), 300);
        assertThat(bpe.decode(new int[] {259, 256, 97, 257})).isEqualTo("aaaa<|endoftext|>a<|mask|>");
        assertThatThrownBy(() -> bpe.decode(new int[] {260})).isInstanceOf(IllegalArgumentException.class);
    }
}
