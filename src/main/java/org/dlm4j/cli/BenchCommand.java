package org.dlm4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.Devices;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.train.Benchmark;
import org.dlm4j.train.DeviceBenchmark;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j bench}: training and forward tokens/s of a model preset on random byte windows
 * (see {@link Benchmark} for what a step is and the FLOP formula), to compare with
 * {@code bench/bench_torch.py} on the same machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Measure training and forward-only throughput (tokens/s, GFLOP/s, peak heap).")
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "reference",
            description = "Model preset: tiny, small or reference (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--objective", defaultValue = "ar", description = "ar or diffusion (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--threads", defaultValue = "1", description = "Kernel threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "5", description = "Steps per repetition (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Windows per step B (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--context", description = "Sequence length T (default: the preset's).")
    Integer context;

    @Option(names = "--d-model", description = "Model width C (default: the preset's).")
    Integer dModel;

    @Option(names = "--device", defaultValue = Devices.CPU, description = DeviceOption.DESCRIPTION)
    String device;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Benchmark.Settings settings = settings();
        DeviceEngine engine = DeviceOption.require(spec.commandLine(), device);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> numbers = engine == null ? Benchmark.run(settings).toMap()
                : DeviceBenchmark.run(settings, engine);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(numbers));
        } else {
            numbers.forEach((key, value) -> out.printf("%-28s %s%n", key, value));
        }
        out.flush();
        return 0;
    }

    /** The benchmark's settings; a value out of range is a usage error (exit 2). */
    private Benchmark.Settings settings() {
        Threads.check(spec.commandLine(), threads);
        try {
            TransformerConfig base = TransformerConfig.preset(preset, ByteTokenizer.VOCAB_SIZE);
            int length = context == null ? base.contextLength() : context;
            int width = dModel == null ? base.dModel() : dModel;
            TransformerConfig model = new TransformerConfig(base.vocabSize(), length, width, base.numLayers(),
                    base.numHeads(), base.mlpRatio(), base.dropout(), base.causal(), base.bias(), base.tiedHead(),
                    base.positions());
            return new Benchmark.Settings(model, objective, batchSize, length, threads, warmup, reps, steps, 1);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
