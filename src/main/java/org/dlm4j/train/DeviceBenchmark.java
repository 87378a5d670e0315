package org.dlm4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dlm4j.data.ByteTokenizer;
import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.DeviceTrainer;
import org.dlm4j.device.OptimizerSettings;
import org.dlm4j.device.OptimizerState;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;
import org.dlm4j.objective.LossInputs;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.objective.Objectives;

/**
 * {@link Benchmark}'s training throughput with the steps on a {@link DeviceEngine}: the same model,
 * random byte windows, AdamW settings and FLOP formula, each step a device step (batch up, loss and
 * gradient norm back). The masks are drawn on the host inside the timed loop, as the trainer does.
 * The warm-up steps also absorb the device's compilation of the step (a minute on PoCL). Model FLOPs
 * utilisation = achieved FLOP/s / the device's peak, where the engine knows the peak. (No forward-only
 * number: the engine evaluates through its training graph with the update off, not a forward graph.)
 */
public final class DeviceBenchmark {
    private DeviceBenchmark() {
    }

    /** The numbers, as an ordered map (the JSON object of {@code dlm4j bench --device ... --json}). */
    public static Map<String, Object> run(Benchmark.Settings settings, DeviceEngine engine) {
        Objective objective = Objectives.create(settings.objective(), ObjectiveOptions.defaults(ByteTokenizer.MASK));
        TransformerConfig config = settings.model().withCausal(objective.causal());
        Transformer model = new Transformer(config, new Rng(settings.seed()));
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            first.put(e.getKey(), new float[e.getValue().size()]);
            second.put(e.getKey(), new float[e.getValue().size()]);
        }
        int batch = settings.batchSize();
        int length = settings.length();
        int[] windows = Benchmark.randomWindows(settings);
        double[] lastLoss = {Double.NaN};
        long[] stepCount = {0};
        try (DeviceTrainer trainer = engine.open(model, new OptimizerState(first, second, 0),
                new OptimizerSettings(0.9, 0.95, 1e-8, 0.1, 1.0))) {
            Runnable train = () -> {
                stepCount[0]++;
                LossInputs inputs = LossInputs.training(objective, config.numLayers(), windows, batch, length,
                        new Rng(settings.seed() * 31 + stepCount[0]));
                lastLoss[0] = trainer.step(inputs, 3e-4).loss();
            };
            double[] trainRates = Benchmark.measure(train, settings);
            double flopsPerToken = Benchmark.flopsPerToken(model, config, length);
            double trainMedian = Benchmark.median(trainRates);
            double flops = flopsPerToken * trainMedian;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("framework", "dlm4j");
            out.put("device", engine.name() + ": " + engine.deviceDescription());
            out.put("objective", settings.objective());
            out.put("batch", batch);
            out.put("length", length);
            out.put("d_model", config.dModel());
            out.put("layers", config.numLayers());
            out.put("parameters", model.numParameters());
            out.put("train_tokens_per_s", Benchmark.round(trainMedian));
            out.put("train_tokens_per_s_best", Benchmark.round(Benchmark.max(trainRates)));
            out.put("gflops", Benchmark.round(flops / 1e9));
            out.put("flops_per_token", flopsPerToken);
            double peak = engine.peakFlopsPerSecond();
            out.put("mfu", Double.isNaN(peak) ? "unknown (the device's peak FLOP/s is not known)"
                    : Math.round(1000 * flops / peak) / 10.0 + " %");
            out.put("reps", settings.reps());
            out.put("steps_per_rep", settings.steps());
            out.put("loss", lastLoss[0]);
            return out;
        }
    }
}
