package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;
import static org.dlm4j.cli.CliResult.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.MetricsLog;
import org.dlm4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    /** A model of a few thousand parameters on the committed tiny-data/bytes: 8 steps, checkpoint every 3. */
    private static final String[] MICRO = {"--d-model", "16", "--layers", "1", "--heads", "2", "--context", "16",
            "--mlp-ratio", "2", "--batch-size", "4", "--steps", "8", "--warmup", "2", "--unique-tokens", "512",
            "--eval-interval", "4", "--eval-batches", "2", "--checkpoint-interval", "3"};

    @TempDir
    Path dir;

    /** {@link #MICRO} with the given option/value pairs replacing or adding to it (picocli takes an option once). */
    private static String[] micro(String... pairs) {
        List<String> args = new ArrayList<>(List.of(MICRO));
        for (int i = 0; i < pairs.length; i += 2) {
            int at = args.indexOf(pairs[i]);
            if (at >= 0) {
                args.set(at + 1, pairs[i + 1]);
            } else {
                args.add(pairs[i]);
                args.add(pairs[i + 1]);
            }
        }
        return args.toArray(String[]::new);
    }

    private static String[] train(String[] options, String... more) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(options));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static List<Double> column(Path metrics, String key) throws IOException {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> record : MetricsLog.read(metrics)) {
            if (record.get(key) instanceof Number number) {
                values.add(number.doubleValue());
            }
        }
        return values;
    }

    @Test
    void trainsAndResumesFromTheCommandLine() throws IOException {
        Path out = dir.resolve("run");
        CliResult first = run(train(micro("--steps", "4", "--unique-tokens", "256"), "--objective", "diffusion", "--out", out.toString()));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("training diffusion").contains("step 4  val loss").contains("done: 4 steps");
        assertThat(Checkpoint.load(out).state().step()).isEqualTo(4);
        assertThat(run("train", "--help").out()).contains("--objective").contains("--resume").contains("--loss-variant");

        // resuming with no options continues with the checkpoint's config; a finished run has nothing left to do
        CliResult again = run("train", "--out", out.toString(), "--resume");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already complete (4 steps)");
    }

    @Test
    void aConfigFileOverridesThePresetAndOptionsOverrideTheFile() throws IOException {
        Path config = Files.writeString(dir.resolve("c.json"),
                "{\"objective\": \"ar\", \"lr\": 0.002, \"weight_decay\": 0.0, \"model\": {\"d_model\": 8}}");
        Path out = dir.resolve("run");
        CliResult result = run(train(micro("--steps", "2", "--unique-tokens", "128", "--warmup", "1"),
                "--config", config.toString(), "--out", out.toString()));
        assertThat(result.exitCode()).as(result.err()).isZero();
        String written = Files.readString(out.resolve(Trainer.CONFIG_FILE));
        assertThat(written).contains("\"objective\" : \"ar\"").contains("\"lr\" : 0.002")
                .contains("\"weight_decay\" : 0.0").contains("\"d_model\" : 16").contains("\"steps\" : 2");
    }

    @Test
    void commandLineOptionsApplyBeforeTheFileIsCheckedAgainstThePreset() throws IOException {
        // 3 steps alone contradict the tiny preset's 30 warmup steps; with --warmup 1 the run is fine
        Path config = Files.writeString(dir.resolve("short.json"), "{\"objective\": \"ar\", \"steps\": 3}");
        Path out = dir.resolve("run");
        CliResult result = run("train", "--config", config.toString(), "--warmup", "1", "--out", out.toString(),
                "--d-model", "16", "--layers", "1", "--context", "16", "--batch-size", "4", "--unique-tokens", "128");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("done: 3 steps");
        // the file alone is still checked: without --warmup it says which field and where it came from
        assertOneErrorLine(run("train", "--config", config.toString(), "--out", dir.resolve("other").toString()), 1,
                "config file " + config + ": need 0 <= warmup < total steps");
    }

    @Test
    void optionValuesOutOfRangeOrBeyondAnyMachineAreUsageErrors() {
        Path out = dir.resolve("out");
        String o = out.toString();
        assertOneErrorLine(run(train(micro("--batch-size", "0"), "--objective", "ar", "--out", o)), 2,
                "command-line options: batch_size must be positive, got 0");
        assertOneErrorLine(run(train(micro("--lr", "-1"), "--objective", "ar", "--out", o)), 2,
                "command-line options: need 0 <= min <= peak learning rate");
        assertOneErrorLine(run(train(micro("--dropout", "1.5"), "--objective", "ar", "--out", o)), 2,
                "dropout must be in [0, 1), got 1.5");
        int processors = Runtime.getRuntime().availableProcessors();
        assertOneErrorLine(run(train(micro("--threads", "5000"), "--objective", "ar", "--out", o)), 2,
                "--threads must be between 1 and the " + processors + " processors this machine gives the JVM, got 5000");
        List<String> withoutSteps = new ArrayList<>(List.of(micro()));
        withoutSteps.subList(withoutSteps.indexOf("--steps"), withoutSteps.indexOf("--steps") + 2).clear();
        assertOneErrorLine(run(train(withoutSteps.toArray(String[]::new), "--objective", "ar", "--total-tokens",
                "99999999999999999", "--out", o)), 2,
                "needs 3.9e+21 training FLOPs (3.87e+04 a token): more than ");
        assertThat(run(train(withoutSteps.toArray(String[]::new), "--objective", "ar", "--total-tokens",
                "99999999999999999", "--out", o)).err()).contains(" years even at 1 TFLOP/s on each of the "
                + processors + " processors here; give a smaller --total-tokens or --steps");
        assertThat(out).doesNotExist();
    }

    @Test
    void badInputGetsOneLineAndLeavesNoFiles() throws IOException {
        Path out = dir.resolve("out");
        String o = out.toString();
        assertOneErrorLine(run(train(micro(), "--out", o)), "--objective is required");
        assertOneErrorLine(run(train(micro(), "--objective", "gpt", "--out", o)), "unknown objective");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--preset", "huge", "--out", o)),
                "unknown preset 'huge' (known: tiny, reference)");
        assertOneErrorLine(run(train(micro(), "--objective", "diffusion", "--loss-variant", "elbo", "--out", o)),
                "elbo");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--data", dir.resolve("none").toString(),
                "--out", o)), "data folder");
        Files.createDirectories(dir.resolve("empty"));
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--data", dir.resolve("empty").toString(),
                "--out", o)), "meta.json");
        assertOneErrorLine(run(train(micro("--unique-tokens", "2000000", "--steps", "100000"), "--objective", "ar",
                "--out", o)), "exceed the 1088717 tokens");
        assertOneErrorLine(run(train(micro("--unique-tokens", "5000"), "--objective", "ar", "--out", o)),
                "is less than unique tokens U=5000");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--total-tokens", "5000", "--out", o)),
                "give --steps or --total-tokens, not both");
        List<String> withoutSteps = new ArrayList<>(List.of(micro("--unique-tokens", "5000")));
        withoutSteps.subList(withoutSteps.indexOf("--steps"), withoutSteps.indexOf("--steps") + 2).clear();
        assertOneErrorLine(run(train(withoutSteps.toArray(String[]::new), "--objective", "ar", "--total-tokens",
                "1024", "--out", o)),
                "total tokens M=1024 (16 steps x 4 x 16) is less than unique tokens U=5000");
        assertOneErrorLine(run(train(withoutSteps.toArray(String[]::new), "--objective", "ar", "--total-tokens",
                "10", "--out", o)), "--total-tokens 10 is less than one step of B*T = 64 tokens");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--schedule", "linear", "--out", o)),
                "unknown schedule 'linear'");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--out", o, "--resume")), "no checkpoint in");
        Path config = Files.writeString(dir.resolve("c.json"), "{\"model\": {\"d_modle\": 8}}");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--config", config.toString(), "--out", o)),
                "unknown key 'd_modle' (at model.d_modle)");
        Files.writeString(config, "{\"lr\": \"fast\"}");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--config", config.toString(), "--out", o)), 1,
                "config file " + config + ": Cannot deserialize value of type `double` from String \"fast\"");
        Files.writeString(config, "{\"steps\": 3");
        CliResult truncated = run(train(micro(), "--objective", "ar", "--config", config.toString(), "--out", o));
        assertOneErrorLine(truncated, "config file " + config + " is not valid JSON: Unexpected end-of-input");
        assertThat(truncated.err()).doesNotContain("Source:").doesNotContain("start marker");
        assertThat(out).doesNotExist();

        Path file = Files.writeString(dir.resolve("file"), "x");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--out", file.resolve("sub").toString())),
                "cannot create output folder");

        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--out", o)), "is not empty");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.toList()).containsExactly(out.resolve("keep.txt"));
        }
    }

    @Test
    void optionsOfTheOtherObjectiveAFileAsOutAndTooFewStepsForTheWarmupAreRefused() throws IOException {
        Path out = dir.resolve("out");
        String o = out.toString();
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--loss-variant", "llada", "--out", o)),
                "--loss-variant applies only to --objective diffusion, this run is ar");
        assertOneErrorLine(run(train(micro(), "--objective", "diffusion", "--input-mask-ratio", "0.1", "--out", o)),
                "--input-mask-ratio applies only to --objective ar, this run is diffusion");
        // The tiny preset warms up for 30 steps: a short run must say so instead of a bare "warmup < total steps".
        assertOneErrorLine(run("train", "--objective", "ar", "--steps", "20", "--out", o),
                "--steps 20 leaves no room after the 30 warmup steps of the config; give a smaller --warmup too");
        assertOneErrorLine(run("train", "--objective", "ar", "--total-tokens", "40960", "--out", o),
                "--total-tokens 40960 makes 20 steps, no more than the 30 warmup steps");
        assertThat(out).doesNotExist();

        Path file = Files.writeString(dir.resolve("file"), "x");
        assertOneErrorLine(run(train(micro(), "--objective", "ar", "--out", file.toString())),
                "output " + file + " exists and is not a folder");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aDivergingRunExitsOneWithOneLineAndSavesNoWeightsThatDoNotEvaluate() throws IOException {
        Path out = dir.resolve("run");
        CliResult result = run(train(micro("--lr", "1e30", "--min-lr", "1e30", "--warmup", "0", "--grad-clip", "0",
                "--checkpoint-interval", "1"), "--objective", "ar", "--out", out.toString()));
        assertOneErrorLine(result, 1, "training stopped at step 1: the weights give a validation loss of NaN, so they"
                + " were not saved; no checkpoint had been written yet");
        assertThat(out).doesNotExist();
    }

    @Test
    void aNewRunThatFailsBeforeItsFirstCheckpointLeavesNoFolder() throws IOException {
        Path out = dir.resolve("run");
        CliResult result = run(train(micro("--lr", "1e30", "--min-lr", "1e30", "--warmup", "0", "--grad-clip", "0",
                "--checkpoint-interval", "100"), "--objective", "ar", "--out", out.toString()));
        assertOneErrorLine(result, "no checkpoint had been written yet");
        // config.json and metrics.jsonl alone would block both a new run (not empty) and --resume (no checkpoint)
        assertThat(out).doesNotExist();
        CliResult again = run(train(micro(), "--objective", "ar", "--out", out.toString()));
        assertThat(again.exitCode()).as(again.err()).isZero();
    }

    @Test
    void resumeStartsARunThatStoppedBeforeItsFirstCheckpointAgainFromStepZero() throws IOException {
        // what kill -9 leaves before the first checkpoint: the config, the step-0 validation, a torn line
        Path out = dir.resolve("run");
        CliResult first = run(train(micro("--steps", "3", "--unique-tokens", "128", "--checkpoint-interval", "3"), "--objective", "ar", "--out",
                out.toString()));
        assertThat(first.exitCode()).as(first.err()).isZero();
        String config = Files.readString(out.resolve(Trainer.CONFIG_FILE));
        AtomicOutput.deleteRecursively(Checkpoint.folder(out));
        Files.writeString(out.resolve(Trainer.METRICS_FILE), "{\"step\":0,\"tokens\":0,\"val_loss\":5.5}\n{\"st");

        assertOneErrorLine(run("train", "--out", out.toString(), "--resume", "--lr", "0.5"), 1,
                "the run in " + out + " was written by a different config (lr: checkpoint 0.003, this run 0.5)");
        CliResult resumed = run("train", "--out", out.toString(), "--resume");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains(out + " has no checkpoint yet; starting its run again from step 0")
                .contains("done: 3 steps");
        assertThat(Files.readString(out.resolve(Trainer.CONFIG_FILE))).isEqualTo(config);
        assertThat(column(out.resolve(Trainer.METRICS_FILE), "train_loss")).hasSize(3);
        assertThat(Checkpoint.load(out).state().step()).isEqualTo(3);
    }

    @Test
    void aDatasetWhoseMetadataContradictsItselfIsRefusedBeforeTraining() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String file : List.of("train.bin", "val.bin")) {
            Files.copy(Path.of("tiny-data/bytes").resolve(file), data.resolve(file));
        }
        Files.writeString(data.resolve("meta.json"), Files.readString(Path.of("tiny-data/bytes/meta.json"))
                .replace("\"mask_id\" : 257", "\"mask_id\" : 256"));
        Path out = dir.resolve("run");
        assertOneErrorLine(run(train(micro(), "--objective", "diffusion", "--data", data.toString(), "--out",
                out.toString())), 1, "mask_id 256 equals eot_id 256; the mask needs an id of its own");
        assertThat(out).doesNotExist();
    }

    @Test
    void tooShortDataIsRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "a short story.\n\nanother one.\n\nthe end.\n\nval.\n");
        Path data = dir.resolve("data");
        assertThat(run("data", "prepare", text.toString(), "--out", data.toString(), "--val-fraction", "0.25")
                .exitCode()).isZero();
        assertOneErrorLine(run(train(micro("--unique-tokens", "0"), "--objective", "ar", "--data", data.toString(),
                "--out", dir.resolve("o").toString())), "has 5 tokens, too few for one batch of B=4 windows of T+1=17");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void resumeRefusesAnotherConfigAndACorruptCheckpoint() throws IOException {
        Path out = dir.resolve("run");
        String o = out.toString();
        assertThat(run(train(micro("--steps", "3", "--unique-tokens", "128"), "--objective", "ar", "--out", o)).exitCode()).isZero();
        assertOneErrorLine(run(train(micro("--steps", "3", "--unique-tokens", "128"), "--objective", "diffusion", "--out", o, "--resume")),
                "objective: checkpoint \"ar\", this run \"diffusion\"");
        assertOneErrorLine(run("train", "--out", o, "--resume", "--lr", "0.5"), "lr: checkpoint 0.003, this run 0.5");
        Path weights = Checkpoint.folder(out).resolve(Checkpoint.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        assertOneErrorLine(run("train", "--out", o, "--resume"), "bad safetensors file");
        Files.write(weights, new byte[] {1, 2, 3});
        assertOneErrorLine(run("train", "--out", o, "--resume"), "bad safetensors file");
    }

    @Test
    void aRunKilledWithSigkillResumesToTheSameTrajectory() throws Exception {
        String[] options = {"--objective", "diffusion", "--d-model", "16", "--layers", "1", "--heads", "2",
                "--context", "16", "--mlp-ratio", "2", "--batch-size", "4", "--steps", "600", "--warmup", "10",
                "--unique-tokens", "4096", "--eval-interval", "200", "--eval-batches", "2",
                "--checkpoint-interval", "50", "--threads", "1"};
        Path killed = dir.resolve("killed");
        ChildProcess child = ChildProcess.start(dir.resolve("child.log"), List.of(), train(options, "--out",
                killed.toString()));
        boolean training = child.awaitWhileAlive(() -> Files.isDirectory(Checkpoint.folder(killed)));
        child.signal("KILL");
        assertThat(training).as("the child must still be training when killed: " + child.output()).isTrue();
        assertThat(child.exitCode()).isEqualTo(137);
        long killedAt = column(killed.resolve(Trainer.METRICS_FILE), "train_loss").size();
        assertThat(killedAt).isLessThan(600);

        CliResult resumed = run("train", "--out", killed.toString(), "--resume", "--threads", "2");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        Path straight = dir.resolve("straight");
        CliResult uninterrupted = run(train(options, "--out", straight.toString()));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        List<Double> expected = column(straight.resolve(Trainer.METRICS_FILE), "train_loss");
        assertThat(expected).hasSize(600);
        assertThat(column(killed.resolve(Trainer.METRICS_FILE), "train_loss")).containsExactlyElementsOf(expected);
        assertThat(column(killed.resolve(Trainer.METRICS_FILE), "val_loss"))
                .containsExactlyElementsOf(column(straight.resolve(Trainer.METRICS_FILE), "val_loss"));
    }
}
