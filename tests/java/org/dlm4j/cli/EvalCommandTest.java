package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;
import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dlm4j.data.DatasetMeta;
import org.dlm4j.train.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dlm4j eval and eval mc on tiny checkpoints trained for two steps, and every bad input. */
class EvalCommandTest {
    @TempDir
    static Path dir;

    private static Path arRun;
    private static Path dlmRun;

    @BeforeAll
    static void trainTinyRuns() {
        arRun = dir.resolve("ar");
        dlmRun = dir.resolve("dlm");
        for (String objective : new String[] {"ar", "diffusion"}) {
            Path out = objective.equals("ar") ? arRun : dlmRun;
            CliResult trained = run("train", "--objective", objective, "--out", out.toString(), "--context", "64", "--steps", "2",
                    "--warmup", "1", "--batch-size", "2", "--eval-interval", "2", "--eval-batches", "1");
            assertThat(trained.exitCode()).as(trained.err()).isZero();
        }
    }

    @Test
    void likelihoodOfBothObjectivesAsTextAndJson() throws Exception {
        CliResult ar = run("eval", "--run", arRun.toString(), "--max-tokens", "128");
        assertThat(ar.exitCode()).as(ar.err()).isZero();
        assertThat(ar.out()).contains("exact NLL").contains("2 windows x 64 tokens = 128 tokens").contains("nats/token");

        CliResult bound = run("eval", "--checkpoint", dlmRun.resolve("checkpoint").toString(), "--max-tokens", "128",
                "--samples", "4", "--antithetic", "--json");
        assertThat(bound.exitCode()).as(bound.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(bound.out());
        assertThat(json.get("estimator").asText()).isEqualTo("paper");
        assertThat(json.get("exact").asBoolean()).isFalse();
        assertThat(json.get("samples").asInt()).isEqualTo(4);
        assertThat(json.get("tokens").asLong()).isEqualTo(128);
        // an untrained byte model is far from the 2.97-nat unigram entropy but below uniform ln 258 + slack
        assertThat(json.get("nll_per_token").asDouble()).isBetween(3.0, 7.0);
        assertThat(json.get("monte_carlo_error_over_samples").asDouble()).isPositive();

        CliResult chain = run("eval", "--run", dlmRun.toString(), "--max-tokens", "64", "--estimator", "chain-rule");
        assertThat(chain.exitCode()).as(chain.err()).isZero();
        assertThat(chain.out()).contains("chain-rule (exact NLL)");
    }

    @Test
    void multipleChoiceReportsAccuracyAndDeltaNll() throws Exception {
        Path file = Files.writeString(dir.resolve("mc.jsonl"),
                "{\"id\":\"a\",\"context\":\"Mia had a kite.\",\"endings\":[\"Mia had a kite.\",\"Zoe ran.\"],\"label\":0}\n"
                        + "{\"id\":\"b\",\"context\":\"Zoe ran.\",\"endings\":[\"x\",\"Zoe ran home.\"],\"label\":1}\n");
        CliResult ar = run("eval", "mc", "--run", arRun.toString(), "--file", file.toString(), "--json", "--items");
        assertThat(ar.exitCode()).as(ar.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(ar.out());
        assertThat(json.get("items").asInt()).isEqualTo(2);
        assertThat(json.get("delta_nll").asDouble()).isCloseTo(
                json.get("mean_nll_wrong").asDouble() - json.get("mean_nll_correct").asDouble(),
                within(1e-9));
        assertThat(json.get("scores").get(1).get("ending_tokens").get(0).asInt()).isEqualTo(2); // " x"

        CliResult dlm = run("eval", "mc", "--run", dlmRun.toString(), "--file", file.toString(), "--chain-rule");
        assertThat(dlm.exitCode()).as(dlm.err()).isZero();
        assertThat(dlm.out()).contains("estimator chain-rule").contains("accuracy").contains("delta NLL");
    }

    @Test
    void badInputGetsOneLineAndANonZeroExit() throws Exception {
        assertOneErrorLine(run("eval", "--run", dlmRun.toString(), "--samples", "0"), 2, "samples (K) must be positive");
        assertOneErrorLine(run("eval", "mc", "--run", dlmRun.toString(), "--file", "x.jsonl", "--samples", "-1"), 2,
                "samples (K) must be positive");
        assertOneErrorLine(run("eval", "--run", dir.resolve("nowhere").toString()), 1, "does not exist");
        assertOneErrorLine(run("eval", "--run", dir.toString()), 1, "no checkpoint in");
        assertOneErrorLine(run("eval", "--max-tokens", "64"), 2, "exactly one of --checkpoint DIR or --run DIR");
        assertOneErrorLine(run("eval", "--run", arRun.toString(), "--estimator", "chain-rule"), 1,
                "AR checkpoint already has an exact NLL");
        assertOneErrorLine(run("eval", "--run", dlmRun.toString(), "--estimator", "exact"), 1, "'exact' is for AR");
        assertOneErrorLine(run("eval", "--run", arRun.toString(), "--estimator", "best"), 2, "unknown estimator 'best'");
        assertOneErrorLine(run("eval", "mc", "--run", arRun.toString(), "--file", "tiny-data/mc-val.jsonl",
                "--chain-rule"), 1, "AR checkpoint already has an exact NLL");

        Path malformed = Files.writeString(dir.resolve("bad.jsonl"),
                "{\"id\":\"a\",\"context\":\"c\",\"endings\":[\"x\",\"y\"],\"label\":0}\n{\"id\": \"b\", \"context\": \n");
        assertOneErrorLine(run("eval", "mc", "--run", arRun.toString(), "--file", malformed.toString()), 1, "line 2");

        // a dataset with another vocabulary than the byte model's 258 ids
        Path text = Files.writeString(dir.resolve("text.txt"), "the cat sat on the mat\n\nthe dog sat on the log\n");
        Path bpe = dir.resolve("bpe");
        CliResult prepared = run("data", "prepare", text.toString(), "--out", bpe.toString(), "--tokenizer", "bpe",
                "--vocab-size", "262", "--val-fraction", "0.5");
        assertThat(prepared.exitCode()).as(prepared.err()).isZero();
        int vocab = DatasetMeta.read(bpe).vocabSize();
        assertOneErrorLine(run("eval", "--run", arRun.toString(), "--data", bpe.toString()), 1,
                "data " + bpe + " uses tokenizer 'bpe' (vocab " + vocab + "), the checkpoint was trained with 'bytes' (vocab 258)");
    }

    @Test
    void unreadableFilesAreNamedWithTheOperationAndTheReasonInWords() throws Exception {
        Path run = copyOf(arRun, dir.resolve("unreadable"));
        Path weights = run.resolve("checkpoint/model.safetensors");
        Files.delete(weights);
        Files.createDirectories(weights);
        assertOneErrorLine(run("eval", "--run", run.toString()), 1, "checkpoint file " + weights + " is a folder, not a file");
        Files.delete(weights);
        Files.copy(arRun.resolve("checkpoint/model.safetensors"), weights);

        Path state = run.resolve("checkpoint/state.json");
        Files.write(state, new byte[] {'{', (byte) 0xFF, '}'});
        assertOneErrorLine(run("eval", "--run", run.toString()), 1, "cannot read " + state + ": not valid UTF-8");
        Files.delete(state);
        Files.createDirectories(state);
        assertOneErrorLine(run("eval", "--run", run.toString()), 1, "checkpoint file " + state + " is a folder, not a file");

        Path latin1 = Files.write(dir.resolve("latin1.jsonl"),
                "{\"id\":\"a\",\"context\":\"caf\u00e9\",\"endings\":[\"x\",\"y\"],\"label\":0}\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertOneErrorLine(run("eval", "mc", "--run", arRun.toString(), "--file", latin1.toString()), 1,
                "cannot read " + latin1 + ": not valid UTF-8");
    }

    @Test
    void weightsThatAreNotFiniteOrOverflowAreRefusedByEveryCommand() throws Exception {
        Path poisoned = copyOf(arRun, dir.resolve("poisoned"));
        setWeights(poisoned, "blocks.0.attn.qkv.weight", Float.NaN);
        String named = "tensor 'blocks.0.attn.qkv.weight' holds NaN (at index 0 of ";
        assertOneErrorLine(run("eval", "--run", poisoned.toString(), "--max-tokens", "64"), 1, named);
        assertOneErrorLine(run("eval", "mc", "--run", poisoned.toString(), "--file", "tiny-data/mc-val.jsonl"), 1, named);
        assertOneErrorLine(run("sample", "--checkpoint", poisoned.toString(), "--length", "4"), 1, named);
        assertOneErrorLine(run("train", "--out", poisoned.toString(), "--resume"), 1, named);

        // finite weights as large as a float goes overflow the logits: not a number to report, nor a text to print
        Path overflowing = copyOf(arRun, dir.resolve("overflowing"));
        setWeights(overflowing, "ln_f.weight", Float.MAX_VALUE);
        assertOneErrorLine(run("eval", "--run", overflowing.toString(), "--max-tokens", "64"), 1,
                "the model's NLL is NaN, not a number to report: its weights overflow float arithmetic");
        assertOneErrorLine(run("eval", "mc", "--run", overflowing.toString(), "--file", "tiny-data/mc-val.jsonl"), 1,
                "the model's NLL is NaN, not a number to report: its weights overflow float arithmetic");
        assertOneErrorLine(run("sample", "--checkpoint", overflowing.toString(), "--length", "4"), 1,
                "the model's logits are not finite (NaN for token 0): its weights overflow float arithmetic");
    }

    /** Sets every value of weight {@code name} in the run's checkpoint to {@code value}. */
    private static void setWeights(Path run, String name, float value) throws java.io.IOException {
        Path file = run.resolve("checkpoint/model.safetensors");
        Safetensors.Contents contents = Safetensors.read(file);
        java.util.Arrays.fill(contents.get(name).data(), value);
        Safetensors.write(file, contents.tensors().values(), contents.metadata());
    }

    /** A copy of the run folder {@code from} at {@code to}. */
    private static Path copyOf(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Files.copy(path, to.resolve(from.relativize(path).toString()));
            }
        }
        return to;
    }

    @Test
    void samplesAndAntitheticAreRefusedForAnExactEstimator() {
        assertOneErrorLine(run("eval", "--run", arRun.toString(), "--samples", "4", "--max-tokens", "64"), 2,
                "--samples applies only to the Monte Carlo bounds (paper, llada, llada-eval, mdlm); estimator 'exact' is exact");
        assertOneErrorLine(run("eval", "--run", arRun.toString(), "--antithetic", "--max-tokens", "64"), 2,
                "--antithetic applies only to the Monte Carlo bounds");
        assertOneErrorLine(run("eval", "--run", dlmRun.toString(), "--estimator", "chain-rule", "--samples", "2",
                "--max-tokens", "64"), 2, "estimator 'chain-rule' is exact");
        assertOneErrorLine(run("eval", "mc", "--run", dlmRun.toString(), "--file", "tiny-data/mc-val.jsonl",
                "--chain-rule", "--samples", "2"), 2, "estimator 'chain-rule' is exact");
        // the estimator's own check comes first: 'exact' on a diffusion model is the wrong estimator, not the wrong K
        assertOneErrorLine(run("eval", "--run", dlmRun.toString(), "--estimator", "exact", "--samples", "2"), 1,
                "'exact' is for AR");
        CliResult bound = run("eval", "--run", dlmRun.toString(), "--samples", "2", "--antithetic", "--max-tokens", "64");
        assertThat(bound.exitCode()).as(bound.err()).isZero();
    }

    @Test
    void aBpeModelIsNotScoredOnByteDataNorSampledWithoutItsTokenizer() {
        Path bpe = dir.resolve("bpe-data");
        CliResult prepared = run("data", "prepare", "tiny-data/stories-val.txt", "--documents", "LINE", "--tokenizer", "bpe",
                "--vocab-size", "270", "--out", bpe.toString());
        assertThat(prepared.exitCode()).as(prepared.err()).isZero();
        Path bpeRun = dir.resolve("bpe-run");
        CliResult trained = run("train", "--objective", "ar", "--data", bpe.toString(), "--out", bpeRun.toString(),
                "--d-model", "16", "--layers", "1", "--heads", "2", "--context", "16", "--batch-size", "2",
                "--steps", "2", "--warmup", "1", "--eval-batches", "1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        // byte ids (< 258) all fit the bpe model's 270: without the check this printed a meaningless NLL
        assertOneErrorLine(run("eval", "--run", bpeRun.toString(), "--max-tokens", "64"), 1,
                "data tiny-data/bytes uses tokenizer 'bytes' (vocab 258), the checkpoint was trained with 'bpe' (vocab 270)");
        CliResult scored = run("eval", "--run", bpeRun.toString(), "--max-tokens", "64", "--data", bpe.toString());
        assertThat(scored.exitCode()).as(scored.err()).isZero();
        assertOneErrorLine(run("eval", "mc", "--run", bpeRun.toString(), "--file", "tiny-data/mc-val.jsonl", "--data",
                "tiny-data/bytes"), 1, "uses tokenizer 'bytes' (vocab 258)");
        assertOneErrorLine(run("sample", "--checkpoint", bpeRun.toString(), "--length", "4"), 2,
                "pass its dataset's tokenizer.json with --tokenizer-file FILE");
        CliResult sampled = run("sample", "--checkpoint", bpeRun.toString(), "--length", "4", "--tokenizer-file",
                bpe.resolve("tokenizer.json").toString());
        assertThat(sampled.exitCode()).as(sampled.err()).isZero();
    }
}
