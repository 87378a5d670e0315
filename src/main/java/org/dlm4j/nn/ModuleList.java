package org.dlm4j.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An ordered list of child modules named {@code 0, 1, 2, ...}, so a transformer's blocks get the
 * parameter names {@code blocks.0.ln1.weight}, ... (PyTorch's {@code nn.ModuleList}).
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** Appends {@code item} under the next index; returns it. */
    public M add(M item) {
        module(Integer.toString(items.size()), item);
        items.add(item);
        return item;
    }

    public M get(int index) {
        return items.get(index);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
