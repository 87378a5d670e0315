package org.dlm4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.dlm4j.data.InputPaths;
import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.Devices;
import org.dlm4j.experiment.CrossoverDocs;
import org.dlm4j.experiment.SweepPresets;
import org.dlm4j.experiment.SweepRunner;
import org.dlm4j.experiment.SweepSpec;
import org.dlm4j.kernels.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlm4j crossover}: runs the data-constrained AR-vs-diffusion sweep of a preset or spec file
 * into an output folder (see {@link SweepRunner} for the folder's layout), or continues it there.
 * {@code --seeds} picks the seeds this invocation runs; the folder's report covers every seed run
 * into it once all their runs are finished. {@code dlm4j crossover docs} puts a finished sweep's tables
 * and plot into a Markdown document.
 */
@Command(name = "crossover", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Sweep AR vs masked diffusion over unique tokens at a fixed budget; find the crossover.",
        subcommands = {CrossoverCommand.Docs.class})
public final class CrossoverCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", paramLabel = "tiny|small|gpu|FILE",
            description = "A named sweep or a sweep spec JSON file (see --print-spec for the fields).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder: new, empty, or holding this sweep.")
    Path out;

    @Option(names = "--device", defaultValue = Devices.CPU,
            description = DeviceOption.DESCRIPTION + " With tornado the runs train one at a time.")
    String device;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2,...", description = "Seeds to run (default: the preset's).")
    List<Long> seeds;

    @Option(names = "--jobs", description = "Runs trained at once, each on its own thread (default: the number of"
            + " cores; results are identical for any count).")
    Integer jobs;

    @Option(names = "--threads", description = "Kernel threads per run (default: cores / jobs, at least 1; results are"
            + " identical for any count).")
    Integer threads;

    @Option(names = "--max-runs", description = "Stop after training this many runs (continue later with the same command).")
    Integer maxRuns;

    @Option(names = "--print-spec", description = "Print the sweep spec as JSON and exit.")
    boolean printSpec;

    @Override
    public Integer call() throws IOException {
        if (preset == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing required option: '--preset'");
        }
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
        DeviceEngine engine = DeviceOption.require(spec.commandLine(), device);
        int cores = Runtime.getRuntime().availableProcessors();
        int jobCount = engine != null ? 1 : jobs == null ? cores : positive("--jobs", jobs);
        Parallel.setThreads(threads == null ? Math.max(1, cores / jobCount) : Threads.check(spec.commandLine(), threads));
        if (maxRuns != null) {
            positive("--max-runs", maxRuns);
        }
        AtomicInteger trained = new AtomicInteger();
        SweepRunner.StopRule stop = maxRuns == null ? SweepRunner.StopRule.NEVER
                : (run, step, finished) -> finished && trained.incrementAndGet() >= maxRuns;
        long started = System.nanoTime();
        new SweepRunner(sweep, out, spec.commandLine().getOut(), jobCount).onDevice(engine).run(stop);
        spec.commandLine().getOut().printf(Locale.ROOT, "this invocation took %.1f min (%d job(s), %d thread(s) each)%n",
                (System.nanoTime() - started) / 6e10, jobCount, Parallel.threads());
        spec.commandLine().getOut().flush();
        return Main.EXIT_OK;
    }

    private int positive(String option, int value) {
        if (value <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be positive, got " + value);
        }
        return value;
    }

    /** {@code dlm4j crossover docs}: a finished sweep's result tables and plot into a Markdown document. */
    @Command(name = "docs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Put a finished sweep's result tables and crossover plot into a Markdown document, between"
                    + " its <!-- crossover-results:begin --> and <!-- crossover-results:end --> lines.")
    static final class Docs implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--sweep", required = true, paramLabel = "DIR", description = "A finished sweep folder.")
        Path sweep;

        @Option(names = "--doc", defaultValue = "README.md", paramLabel = "FILE",
                description = "The Markdown document to update (default: ${DEFAULT-VALUE}).")
        Path doc;

        @Option(names = "--image", paramLabel = "FILE",
                description = "Where the plot goes (default: docs/crossover-<sweep name>.png).")
        Path image;

        @Override
        public Integer call() throws IOException {
            InputPaths.requireFolder(sweep, "sweep folder", "");
            Path target = CrossoverDocs.update(sweep, doc, image);
            spec.commandLine().getOut().println("updated " + doc + " and " + target + " from " + sweep);
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }
}
