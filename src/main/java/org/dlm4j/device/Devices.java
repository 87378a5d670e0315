package org.dlm4j.device;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds a {@link DeviceEngine} by its {@code --device} name. {@code cpu} is the core itself and needs
 * no engine; any other name must be provided by a module on the class path (ServiceLoader), and must
 * be able to run here, or {@link #require} fails at once with one line saying what to install.
 */
public final class Devices {

    /** The core's own kernels. */
    public static final String CPU = "cpu";
    /** The TornadoVM engine of the {@code -Ptornado} build. */
    public static final String TORNADO = "tornado";
    /** Every value {@code --device} accepts. */
    public static final List<String> NAMES = List.of(CPU, TORNADO);

    /** What a user must do to get the TornadoVM engine, for the one-line error. */
    public static final String TORNADO_HINT = "install TornadoVM 5.2.1-jdk25 with the OpenCL backend"
            + " (sdk install tornadovm 5.2.1-jdk25-opencl, or a release archive), set TORNADOVM_HOME to it"
            + " and run ./dlm4j again (README, section GPU)";

    private Devices() {
    }

    /**
     * Null for {@code cpu}; otherwise the engine named {@code name}, ready to run. Throws an
     * {@link IllegalStateException} with one line when none is on the class path or it cannot run here.
     */
    public static DeviceEngine require(String name) {
        if (CPU.equals(name)) {
            return null;
        }
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown device '" + name + "'; known devices: " + String.join(", ", NAMES));
        }
        for (DeviceEngine engine : ServiceLoader.load(DeviceEngine.class)) {
            if (engine.name().equals(name)) {
                String reason = engine.unavailableReason();
                if (reason != null) {
                    throw new IllegalStateException("--device " + name + ": " + reason + "; " + TORNADO_HINT);
                }
                return engine;
            }
        }
        throw new IllegalStateException("--device " + name + " needs the TornadoVM engine, which this dlm4j"
                + " was started without: " + TORNADO_HINT);
    }
}
