package org.dlm4j.tornado;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dlm4j.model.Transformer;
import org.dlm4j.nn.Parameter;

/**
 * Where each named parameter lives in the flat device buffers: parameters, gradients and both AdamW
 * moments share one layout, the model's {@code namedParameters()} order (the checkpoint's names)
 * packed back to back.
 * <pre>
 *   offset(name) = sum of the sizes of the parameters before it
 * </pre>
 */
public final class ParameterLayout {
    private final Map<String, Integer> offsets = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters;
    private final int size;

    public ParameterLayout(Transformer model) {
        this.parameters = model.namedParameters();
        long total = 0;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            offsets.put(entry.getKey(), (int) total);
            total += entry.getValue().size();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the TornadoVM engine indexes parameters with ints; this model has "
                    + total);
        }
        this.size = (int) total;
    }

    /** The offset of parameter {@code name}; a name the model does not have is an error. */
    public int offset(String name) {
        Integer offset = offsets.get(name);
        if (offset == null) {
            throw new IllegalArgumentException("the model has no parameter '" + name + "'");
        }
        return offset;
    }

    /** The offset of {@code name}, or -1 when the model has no such parameter (a bias of a bias-free model). */
    public int offsetOrNone(String name) {
        Integer offset = offsets.get(name);
        return offset == null ? -1 : offset;
    }

    /** The number of floats of all parameters together. */
    public int size() {
        return size;
    }

    /** The parameters by name, in layout order. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }
}
