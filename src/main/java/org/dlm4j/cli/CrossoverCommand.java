package org.dlm4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.dlm4j.experiment.SweepPresets;
import org.dlm4j.experiment.SweepRunner;
import org.dlm4j.experiment.SweepSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j crossover}: runs the data-constrained AR-vs-diffusion sweep of a preset or spec file
 * into an output folder (see {@link SweepRunner} for the folder's layout), or continues it there.
 * {@code --seeds} picks the seeds this invocation runs; the folder's report covers every seed run
 * into it once all their runs are finished.
 */
@Command(name = "crossover", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Sweep AR vs masked diffusion over unique tokens at a fixed budget; find the crossover.")
public final class CrossoverCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "tiny|small|gpu|FILE",
            description = "A named sweep or a sweep spec JSON file (see --print-spec for the fields).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder: new, empty, or holding this sweep.")
    Path out;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2,...", description = "Seeds to run (default: the preset's).")
    List<Long> seeds;

    @Option(names = "--threads", description = "Worker threads (results are identical for any count).")
    Integer threads;

    @Option(names = "--max-runs", description = "Stop after training this many runs (continue later with the same command).")
    Integer maxRuns;

    @Option(names = "--print-spec", description = "Print the sweep spec as JSON and exit.")
    boolean printSpec;

    @Override
    public Integer call() throws IOException {
        SweepSpec sweep = SweepPresets.byNameOrFile(preset);
        if (seeds != null) {
            sweep = sweep.withSeeds(seeds);
        }
        if (printSpec) {
            spec.commandLine().getOut().print(sweep.toJson());
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
        if (out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing required option: '--out=DIR'");
        }
        Threads.apply(spec.commandLine(), threads);
        if (maxRuns != null && maxRuns <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-runs must be positive, got " + maxRuns);
        }
        int[] trained = {0};
        SweepRunner.StopRule stop = maxRuns == null ? SweepRunner.StopRule.NEVER
                : (run, step, finished) -> finished && ++trained[0] >= maxRuns;
        new SweepRunner(sweep, out, spec.commandLine().getOut()).run(stop);
        return Main.EXIT_OK;
    }
}
