package org.dlm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dlm4j.kernels.Parallel;
import org.junit.jupiter.api.Test;

/** {@code dlm4j bench}: one JSON object with the documented fields, and one-line errors. */
class BenchCommandTest {

    private static String[] run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int saved = Parallel.threads();
        try {
            int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new String[] {Integer.toString(code), out.toString(), err.toString()};
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void printsOneJsonObject() throws Exception {
        String[] result = run("bench", "--preset", "tiny", "--objective", "ar", "--reps", "2", "--steps", "1",
                "--warmup", "0", "--context", "16", "--batch-size", "2", "--json");
        assertThat(result[0]).isEqualTo("0");
        JsonNode json = new ObjectMapper().readTree(result[1]);
        for (String field : new String[] {"train_tokens_per_s", "forward_tokens_per_s", "gflops", "peak_heap_mb",
                "train_tokens_per_s_median", "train_ms_per_step_min", "forward_ms_per_step_median"}) {
            assertThat(json.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(json.get("length").asInt()).isEqualTo(16);
        assertThat(json.get("objective").asText()).isEqualTo("ar");
        assertThat(result[1].strip()).doesNotContain("\n");
    }

    @Test
    void badObjectiveIsOneErrorLine() {
        String[] result = run("bench", "--preset", "tiny", "--objective", "gpt", "--reps", "1");
        assertThat(result[0]).isNotEqualTo("0");
        assertThat(result[2]).startsWith("dlm4j: error: ").contains("unknown objective 'gpt'");
        assertThat(result[2].strip()).doesNotContain("\n");
    }

    @Test
    void optionValuesOutOfRangeAreUsageErrors() {
        int processors = Runtime.getRuntime().availableProcessors();
        String[][] cases = {
            {"--reps", "0", "bench needs batch, length, threads, reps and steps >= 1"},
            {"--batch-size", "0", "bench needs batch, length, threads, reps and steps >= 1"},
            {"--context", "0", "contextLength must be positive, got 0"},
            {"--threads", "5000", "--threads must be between 1 and the " + processors + " processors"},
            {"--preset", "huge", "unknown"},
        };
        for (String[] c : cases) {
            String[] result = run("bench", c[0], c[1]); // refused before any model is built
            CliResult.assertOneErrorLine(new CliResult(Integer.parseInt(result[0]), result[1], result[2]),
                    Main.EXIT_USAGE, c[2]);
        }
    }
}
