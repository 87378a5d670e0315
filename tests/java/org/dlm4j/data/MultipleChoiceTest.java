package org.dlm4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipleChoiceTest {
    @TempDir
    Path dir;

    @Test
    void writesTheDocumentedSchemaAndReadsItBack() throws Exception {
        var items = List.of(new MultipleChoice("a-0", "Mia had \"two\" apples.", List.of("x", "y", "z", "w"), 2),
                new MultipleChoice("a-1", "Tom ran.", List.of("p", "q", "r", "s"), 0));
        Path file = dir.resolve("mc.jsonl");
        MultipleChoice.writeJsonl(file, items);
        assertThat(Files.readAllLines(file).getFirst())
                .isEqualTo("{\"id\":\"a-0\",\"context\":\"Mia had \\\"two\\\" apples.\",\"endings\":[\"x\",\"y\",\"z\",\"w\"],\"label\":2}");
        assertThat(MultipleChoice.readJsonl(file)).isEqualTo(items);
    }

    @Test
    void errorsNameTheLine() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, """
                {"id":"ok","context":"c","endings":["a","b"],"label":1}

                {"id":"bad","context":"c","endings":["a","b"],"label":2}
                """);
        assertThatThrownBy(() -> MultipleChoice.readJsonl(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " line 3: item bad has label 2 outside [0, 2)");
        Files.writeString(file, "{\"id\":\"x\",\"context\":\"c\",\"endings\":[\"a\",\"b\"]}\n");
        assertThatThrownBy(() -> MultipleChoice.readJsonl(file)).hasMessageStartingWith(file + " line 1: ")
                .hasMessageContaining("label").hasMessageNotContaining("\n");
        Files.writeString(file, "{\"id\":\"x\",\n");
        assertThatThrownBy(() -> MultipleChoice.readJsonl(file)).hasMessageStartingWith(file + " line 1: ");
        Files.writeString(file, "{\"id\":\"x\"\n");
        assertThatThrownBy(() -> MultipleChoice.readJsonl(file))
                .hasMessage(file + " line 1: Unexpected end-of-input: expected close marker for Object");
        assertThatThrownBy(() -> MultipleChoice.readJsonl(dir.resolve("none.jsonl"))).hasMessageContaining("does not exist");
    }

    @Test
    void aFractionalLabelOrAMissingEndingIsRefusedNamingTheField() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"id\":\"x\",\"context\":\"c\",\"endings\":[\"a\",\"b\"],\"label\":1.5}\n");
        assertThatThrownBy(() -> MultipleChoice.readJsonl(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " line 1: ").hasMessageContaining("1.5").hasMessageContaining("label")
                .hasMessageNotContaining("\n");
        Files.writeString(file, "{\"id\":\"x\",\"context\":\"c\",\"endings\":[\"a\",null],\"label\":0}\n");
        assertThatThrownBy(() -> MultipleChoice.readJsonl(file))
                .hasMessage(file + " line 1: item x has no text for ending 1 (null)");
    }
}
