package org.dlm4j.cli;

import static org.dlm4j.cli.CliResult.assertOneErrorLine;

import org.junit.jupiter.api.Test;

/**
 * {@code --device}: the default build carries no TornadoVM engine, so asking for it fails at once
 * (before reading any data or training anything) with one line saying what to install, and an
 * unknown device is a usage error.
 */
class DeviceOptionTest {

    @Test
    void tornadoWithoutTheEngineFailsAtOnceSayingWhatToInstall() {
        String[][] commands = {
            {"train", "--objective", "ar", "--data", "no-such-folder", "--out", "no-such-run", "--device", "tornado"},
            {"bench", "--preset", "tiny", "--device", "tornado"},
            {"crossover", "--preset", "tiny", "--out", "no-such-sweep", "--device", "tornado"},
            {"eval", "--run", "no-such-run", "--data", "no-such-folder", "--device", "tornado"},
        };
        for (String[] command : commands) {
            CliResult result = CliResult.run(command);
            assertOneErrorLine(result, Main.EXIT_FAILURE, "--device tornado needs the TornadoVM engine");
            assertOneErrorLine(result, Main.EXIT_FAILURE, "set TORNADOVM_HOME");
        }
    }

    @Test
    void anUnknownDeviceIsAUsageError() {
        CliResult result = CliResult.run("bench", "--preset", "tiny", "--device", "gpu");
        assertOneErrorLine(result, Main.EXIT_USAGE, "--device must be one of cpu, tornado, got 'gpu'");
    }
}
