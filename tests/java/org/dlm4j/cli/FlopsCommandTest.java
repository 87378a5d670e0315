package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;
import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


import org.dlm4j.eval.Flops;
import org.dlm4j.model.TransformerConfig;
import org.junit.jupiter.api.Test;

class FlopsCommandTest {

    @Test
    void jsonListsArAndDiffusionFlopsPerLength() throws Exception {
        CliResult result = run("flops", "--preset", "paper-1b", "--gen-lengths", "16,256,1024,4096", "--json");
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(result.out());
        assertThat(rows.size()).isEqualTo(4);
        TransformerConfig paper = TransformerConfig.preset("paper-1b", TransformerConfig.PAPER_VOCAB_SIZE);
        int[] lengths = {16, 256, 1024, 4096};
        for (int i = 0; i < 4; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get("gen_length").asInt()).isEqualTo(lengths[i]);
            assertThat(row.get("ar_flops").asLong()).isEqualTo(Flops.arGeneration(paper, 0, lengths[i]));
            assertThat(row.get("dlm_flops").asLong()).isEqualTo(Flops.diffusionGeneration(paper, 0, lengths[i], lengths[i]));
            assertThat(row.get("ratio").asDouble())
                    .isEqualTo(row.get("dlm_flops").asLong() / (double) row.get("ar_flops").asLong());
        }
        assertThat(rows.get(0).get("ratio").asDouble()).isBetween(15.0, 17.0);
        assertThat(rows.get(3).get("ratio").asDouble()).isGreaterThan(1000);
    }

    @Test
    void tablePrintsOneRowPerLength() {
        CliResult result = run("flops", "--preset", "tiny", "--gen-lengths", "8,32", "--prompt-length", "16");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("gen_length").contains("ratio").contains("prompt of 16 tokens");
        assertThat(result.out().lines().filter(line -> line.matches("\\s+(8|32)\\s.*"))).hasSize(2);
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertOneErrorLine(run("flops", "--preset", "huge"), "unknown model preset 'huge'");
        assertOneErrorLine(run("flops", "--gen-lengths", "16,x"), "--gen-lengths must be comma-separated");
        assertOneErrorLine(run("flops", "--gen-lengths", "16,,32"), "--gen-lengths must be comma-separated");
        assertOneErrorLine(run("flops", "--gen-lengths", "0"), "--gen-lengths must be positive");
        assertOneErrorLine(run("flops", "--gen-lengths", "4096", "--prompt-length", "1"),
                "exceed the model's context of 4096");
        assertOneErrorLine(run("flops", "--prompt-length", "-3"), "--prompt-length must be >= 0");
    }

}
