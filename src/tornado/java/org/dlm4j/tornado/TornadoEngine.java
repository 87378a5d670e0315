package org.dlm4j.tornado;

import org.dlm4j.device.DeviceEngine;
import org.dlm4j.device.DeviceTrainer;
import org.dlm4j.device.OptimizerSettings;
import org.dlm4j.device.OptimizerState;
import org.dlm4j.model.Transformer;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

/**
 * The TornadoVM {@link DeviceEngine} ({@code --device tornado}), registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services}. It runs on TornadoVM's default device
 * (the first of {@code tornado --devices}).
 *
 * <p>Compiler flags: OpenCL C is built with {@link #STRICT_FLAGS} (no fast relaxed math, no
 * mad contraction licence beyond what OpenCL allows) so that the device agrees with the CPU to
 * about float rounding; {@code -Ddlm4j.tornado.fastMath=true} keeps TornadoVM's default
 * ({@code -cl-mad-enable -cl-fast-relaxed-math}), faster on a GPU and looser.
 */
public final class TornadoEngine implements DeviceEngine {
    /** OpenCL build options without fast math (only warnings off). */
    public static final String STRICT_FLAGS = "-w";

    /**
     * TornadoVM's bytecode buffer per task graph, in bytes. Its default, 4096, holds a few dozen tasks;
     * the training step has about 45 per layer, and an overflow shows only as a bailout (with bailout
     * recovery off: "Recover option disabled"). It is read once, when TornadoVM first compiles a graph,
     * so it is set here, before any graph is built, unless the user set it.
     */
    static final String BYTECODE_BUFFER = "tornado.tvm.maxbytecodesize";

    static {
        if (System.getProperty(BYTECODE_BUFFER) == null) {
            System.setProperty(BYTECODE_BUFFER, Integer.toString(1 << 20));
        }
    }

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String unavailableReason() {
        try {
            TornadoDevice device = TornadoExecutionPlan.getDevice(0, 0);
            return device == null ? "TornadoVM found no device" : null;
        } catch (Throwable e) {          // the runtime is missing (JVM not started with the SDK) or has no device
            return "TornadoVM cannot start here (" + firstLine(e) + ")";
        }
    }

    @Override
    public String deviceDescription() {
        TornadoDevice device = TornadoExecutionPlan.getDevice(0, 0);
        return device.getPhysicalDevice().getDeviceName() + ", " + device.getPlatformName();
    }

    @Override
    public double peakFlopsPerSecond() {
        return Double.NaN;
    }

    @Override
    public DeviceTrainer open(Transformer model, OptimizerState state, OptimizerSettings settings) {
        return new TornadoTrainer(model, state, settings);
    }

    /** Whether kernels are built with TornadoVM's default fast-math flags instead of {@link #STRICT_FLAGS}. */
    public static boolean fastMath() {
        return Boolean.getBoolean("dlm4j.tornado.fastMath");
    }

    /** Applies this engine's OpenCL compiler flags to {@code plan}. */
    public static TornadoExecutionPlan withCompilerFlags(TornadoExecutionPlan plan) {
        return fastMath() ? plan : plan.withCompilerFlags(TornadoVMBackendType.OPENCL, STRICT_FLAGS);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
