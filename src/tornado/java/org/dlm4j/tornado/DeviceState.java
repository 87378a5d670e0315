package org.dlm4j.tornado;

import java.util.Map;

import org.dlm4j.device.OptimizerState;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * What lives on the device for the whole run, in the flat {@link ParameterLayout}: the parameters,
 * their gradients, both AdamW moments, a per-element weight-decay flag (1 where the parameter takes
 * weight decay), the rope tables, and the two sums that come back each step ({@link AdamWKernels#STATS}).
 */
record DeviceState(FloatArray params, FloatArray grads, FloatArray firstMoments, FloatArray secondMoments,
                   FloatArray decays, FloatArray ropeCos, FloatArray ropeSin, FloatArray stats) {

    /** The host copies of {@code model}'s weights and {@code state}'s moments, ready to go up once. */
    static DeviceState of(Transformer model, ParameterLayout layout, OptimizerState state) {
        int size = layout.size();
        DeviceState device = new DeviceState(new FloatArray(size), new FloatArray(size), new FloatArray(size),
                new FloatArray(size), new FloatArray(size), null, null, new FloatArray(AdamWKernels.STATS));
        for (Map.Entry<String, Parameter> entry : layout.parameters().entrySet()) {
            String name = entry.getKey();
            int offset = layout.offset(name);
            float[] data = entry.getValue().data();
            float[] m = state.firstMoments().get(name);
            float[] v = state.secondMoments().get(name);
            float decay = entry.getValue().weightDecay() ? 1f : 0f;
            for (int i = 0; i < data.length; i++) {
                device.params.set(offset + i, data[i]);
                device.firstMoments.set(offset + i, m[i]);
                device.secondMoments.set(offset + i, v[i]);
                device.decays.set(offset + i, decay);
            }
        }
        TransformerConfig config = model.config();
        RopeTables tables = RopeTables.of(config.headSize(), config.contextLength());
        if (config.positions() != PositionEncoding.ROPE) {
            tables = new RopeTables(new FloatArray(1), new FloatArray(1));   // unused, but every task argument must exist
        }
        return new DeviceState(device.params, device.grads, device.firstMoments, device.secondMoments, device.decays,
                tables.cos(), tables.sin(), device.stats);
    }

    /** Copies the parameters into {@code model} and the moments into {@code state}'s arrays. */
    void copyTo(Transformer model, ParameterLayout layout, OptimizerState state) {
        for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
            String name = entry.getKey();
            int offset = layout.offset(name);
            copy(params, offset, entry.getValue().data());
            copy(firstMoments, offset, state.firstMoments().get(name));
            copy(secondMoments, offset, state.secondMoments().get(name));
        }
    }

    private static void copy(FloatArray from, int offset, float[] to) {
        for (int i = 0; i < to.length; i++) {
            to[i] = from.get(offset + i);
        }
    }
}
