package org.dlm4j.cli;

import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.Devices;
import picocli.CommandLine;

/**
 * The {@code --device cpu|tornado} option of train, eval, bench and crossover. An unknown name is a
 * usage error (exit 2); {@code tornado} on a dlm4j started without the TornadoVM engine, or on a
 * machine where it cannot run, fails at once (exit 1) with one line saying what to install.
 */
final class DeviceOption {
    static final String DESCRIPTION = "Where training steps run: cpu (the default) or tornado (TornadoVM:"
            + " a GPU or OpenCL device; needs TORNADOVM_HOME, see the README's GPU section).";

    private DeviceOption() {
    }

    /** The engine for {@code device} (null for cpu), checked before any work starts. */
    static DeviceEngine require(CommandLine commandLine, String device) {
        if (!Devices.NAMES.contains(device)) {
            throw new CommandLine.ParameterException(commandLine, "--device must be one of "
                    + String.join(", ", Devices.NAMES) + ", got '" + device + "'");
        }
        return Devices.require(device);
    }
}
