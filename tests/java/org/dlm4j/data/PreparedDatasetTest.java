package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedDatasetTest {
    @TempDir
    Path dir;

    private Path writeBytes(List<String> train, List<String> val) {
        Path out = dir.resolve("ds");
        DatasetWriter.write(out, new ByteTokenizer(), train, val, false);
        return out;
    }

    @Test
    void writesDocumentsFollowedByEndOfText() throws Exception {
        Path out = writeBytes(List.of("ab", "c"), List.of("d"));
        try (var dataset = PreparedDataset.open(out)) {
            int[] train = new int[(int) dataset.train().length()];
            dataset.train().read(0, train);
            assertThat(train).containsExactly(97, 98, 256, 99, 256);
            assertThat(dataset.val().get(0)).isEqualTo(100);
            assertThat(dataset.meta()).isEqualTo(new DatasetMeta("bytes", null, 258, "uint16", 257, 256, 5, 2, 2, 1));
            assertThat(dataset.tokenizer().decode(train)).isEqualTo("ab<|endoftext|>c<|endoftext|>");
        }
        assertThat(Files.readString(out.resolve("meta.json"))).contains("\"vocab_size\" : 258").doesNotContain("tokenizer_file");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ds"); // no temp folder left
        }
    }

    @Test
    void writesTheBpeTokenizerBesideTheTokens() {
        Path out = dir.resolve("bpe");
        var bpe = BpeTrainer.train(List.of("the cat sat on the mat"), 270);
        DatasetWriter.write(out, bpe, List.of("the cat", "the mat"), List.of("the sat"), false);
        try (var dataset = PreparedDataset.open(out)) {
            assertThat(dataset.meta().tokenizerFile()).isEqualTo("tokenizer.json");
            int[] val = new int[(int) dataset.val().length()];
            dataset.val().read(0, val);
            assertThat(dataset.tokenizer().decode(val)).isEqualTo("the sat<|endoftext|>");
        }
    }

    @Test
    void refusesANonEmptyOutputUnlessForced() {
        Path out = writeBytes(List.of("a"), List.of("b"));
        assertThatThrownBy(() -> DatasetWriter.write(out, new ByteTokenizer(), List.of("x"), List.of("y"), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty (use --force");
        DatasetWriter.write(out, new ByteTokenizer(), List.of("xyz"), List.of("y"), true);
        assertThat(DatasetMeta.read(out).trainTokens()).isEqualTo(4);
    }

    @Test
    void leavesNothingBehindWhenWritingFails() throws Exception {
        Tokenizer bytes = new ByteTokenizer();
        Tokenizer breaksOnSecondDocument = new Tokenizer() {
            @Override
            public int[] encode(String text) {
                if (text.equals("boom")) {
                    throw new IllegalArgumentException("cannot encode boom");
                }
                return bytes.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return bytes.decode(ids);
            }

            @Override
            public int vocabSize() {
                return bytes.vocabSize();
            }

            @Override
            public int maskId() {
                return bytes.maskId();
            }

            @Override
            public int endOfTextId() {
                return bytes.endOfTextId();
            }

            @Override
            public String name() {
                return bytes.name();
            }
        };
        Path out = dir.resolve("never");
        assertThatThrownBy(() -> DatasetWriter.write(out, breaksOnSecondDocument, List.of("fine"), List.of("boom"), false))
                .hasMessage("cannot encode boom");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void namesMissingOrInvalidMeta() throws Exception {
        Path out = writeBytes(List.of("a"), List.of("b"));
        Path meta = out.resolve("meta.json");
        String good = Files.readString(meta);
        Files.delete(meta);
        assertThatThrownBy(() -> PreparedDataset.open(out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataset meta file " + meta + " does not exist");
        Files.writeString(meta, good.replace("\"vocab_size\" : 258", "\"vocab_size\" : 100"));
        assertThatThrownBy(() -> PreparedDataset.open(out)).hasMessageContaining(meta.toString())
                .hasMessageContaining("mask_id 257 and eot_id 256 must be in [0, vocab_size 100)");
        Files.writeString(meta, good.replace("\"dtype\"", "\"dtpye\""));
        assertThatThrownBy(() -> PreparedDataset.open(out)).hasMessageContaining(meta + " is invalid")
                .hasMessageNotContaining("\n");
        Files.writeString(meta, good.replace("\"train_tokens\" : 2", "\"train_tokens\" : 3"));
        assertThatThrownBy(() -> PreparedDataset.open(out))
                .hasMessage("token file " + out.resolve("train.bin") + " has 2 tokens but meta.json says 3");
    }

    @Test
    void metadataThatContradictsItsTokenizerIsRefusedWhereItIsRead() throws Exception {
        Path out = writeBytes(List.of("a"), List.of("b"));
        Path meta = out.resolve("meta.json");
        String good = Files.readString(meta);
        String[][] cases = {
            {"\"mask_id\" : 257", "\"mask_id\" : 256", "mask_id 256 equals eot_id 256; the mask needs an id of its own"},
            {"\"bytes\"", "\"klingon\"", "unknown tokenizer 'klingon' (expected bytes, bpe or gpt2)"},
            {"\"vocab_size\" : 258", "\"vocab_size\" : 300",
                "tokenizer 'bytes' has vocab_size 258, eot_id 256 and mask_id 257; this file says 300, 256 and 257"},
            {"\"bytes\",", "\"bytes\", \"tokenizer_file\" : \"tokenizer.json\",",
                "tokenizer 'bytes' takes no tokenizer_file, got 'tokenizer.json'"},
            {"\"bytes\"", "\"bpe\"", "tokenizer 'bpe' needs its tokenizer_file"},
        };
        for (String[] c : cases) {
            Files.writeString(meta, good.replace(c[0], c[1]));
            assertThatThrownBy(() -> PreparedDataset.open(out)).as(c[2]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dataset meta file " + meta + " is invalid: meta: " + c[2]);
        }
    }

    @Test
    void aBpeDatasetWhoseTokenizerFileHasAnotherVocabularyIsRefused() throws Exception {
        Path out = dir.resolve("bpe");
        int vocab = DatasetWriter.write(out, BpeTrainer.train(List.of("the cat sat on the mat"), 262),
                List.of("the cat", "the mat"), List.of("the sat"), false).vocabSize();
        Path meta = out.resolve("meta.json");
        Files.writeString(meta, Files.readString(meta).replace("\"vocab_size\" : " + vocab, "\"vocab_size\" : 300"));
        assertThatThrownBy(() -> PreparedDataset.open(out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataset meta file " + meta + " says vocab_size 300 but its tokenizer file "
                        + out.resolve("tokenizer.json") + " has " + vocab + " ids");
    }

    @Test
    void rejectsIdsBeyondTheVocabularyOnOpen() throws Exception {
        Path out = writeBytes(List.of("a"), List.of("b"));
        TokenFile.write(out.resolve("val.bin"), new int[] {98, 258}, TokenDtype.UINT16);
        assertThatThrownBy(() -> PreparedDataset.open(out)).hasMessageContaining("has id 258 at position 1");
    }

    @Test
    void splitsByDocumentAndCutsText() {
        var split = DatasetWriter.splitByDocument(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), 0.2);
        assertThat(split.get(0)).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        assertThat(split.get(1)).containsExactly("9", "10");
        assertThatThrownBy(() -> DatasetWriter.splitByDocument(List.of("only"), 0.1)).hasMessageContaining("at least 2 documents");
        assertThat(DocumentSplit.PARAGRAPH.split("a\nb\n\n \n\nc\r\n")).containsExactly("a\nb", "c");
        assertThat(DocumentSplit.LINE.split("a\nb\n\nc")).containsExactly("a", "b", "c");
        assertThat(DocumentSplit.FILE.split("a\n\nb")).containsExactly("a\n\nb");
    }
}
