package org.dlm4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A piece of a network that owns parameters and child modules.
 *
 * <p>Subclasses register what they own in their constructor with {@link #parameter} and
 * {@link #module}; registration order is the order of {@link #namedParameters()}, whose keys are
 * dotted paths ({@code attn.qkv.weight}) exactly as PyTorch's {@code named_parameters()} would
 * give for the same module tree, so they double as checkpoint tensor names. A parameter object
 * registered under two paths (weight tying) is listed once, under its first path.
 *
 * <p>{@link #train(boolean)} switches this module and all children between training mode
 * (dropout active) and evaluation mode. Modules start in training mode.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter of this module under a local name (no dots); returns it. */
    protected final Parameter parameter(String name, Parameter parameter) {
        checkName(name);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Registers a child module under a local name (no dots); returns it. */
    protected final <M extends Module> M module(String name, M child) {
        checkName(name);
        children.put(name, child);
        child.train(training);
        return child;
    }

    /** Every parameter of this module and its children, by dotted path, in registration order. */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    /** The parameters in {@link #namedParameters()} order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Total number of trainable scalars. */
    public long numParameters() {
        long count = 0;
        for (Parameter p : parameters()) {
            count += p.size();
        }
        return count;
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Training mode on or off, for this module and all children; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module child : children.values()) {
            child.train(on);
        }
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    private void collect(String prefix, Map<String, Parameter> out, Set<Parameter> seen) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (seen.add(e.getValue())) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, seen);
        }
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module/parameter name must be non-empty without dots, got '" + name + "'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' is already registered in " + getClass().getSimpleName());
        }
    }
}
