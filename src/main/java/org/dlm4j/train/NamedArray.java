package org.dlm4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.dlm4j.nn.Parameter;

/**
 * One named float tensor as it sits in a file: a name such as {@code blocks.0.attn.qkv.weight}, a
 * shape and its row-major data. A scalar has the empty shape {@code []} and one element.
 *
 * <p>The shape is copied (it is small and must not change under us); the data array is kept as
 * given, not copied, because it can hold millions of values.
 */
public record NamedArray(String name, int[] shape, float[] data) {

    public NamedArray {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a tensor name must not be empty");
        }
        if (shape == null || data == null) {
            throw new IllegalArgumentException("tensor '" + name + "' needs a shape and data");
        }
        shape = shape.clone();
        long count = elementCount(name, shape);
        if (count != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + count + " elements) but " + data.length + " values");
        }
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public int size() {
        return data.length;
    }

    /** The parameters as named arrays sharing their data, in the map's order. */
    public static List<NamedArray> of(Map<String, Parameter> parameters) {
        List<NamedArray> arrays = new ArrayList<>();
        parameters.forEach((name, parameter) -> arrays.add(new NamedArray(name, parameter.shape(), parameter.data())));
        return arrays;
    }

    /**
     * The first value that is NaN or infinite, as "tensor 'NAME' holds NaN (at index i of n)", or null
     * when every value of every tensor is finite.
     */
    public static String firstNonFinite(Collection<NamedArray> tensors) {
        for (NamedArray tensor : tensors) {
            float[] values = tensor.data;
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    return "tensor '" + tensor.name + "' holds " + values[i] + " (at index " + i + " of "
                            + values.length + ")";
                }
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NamedArray that && name.equals(that.name)
                && Arrays.equals(shape, that.shape) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NamedArray[" + name + " " + Arrays.toString(shape) + "]";
    }

    private static long elementCount(String name, int[] shape) {
        long count = 1;
        for (int extent : shape) {
            if (extent < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative extent in shape "
                        + Arrays.toString(shape));
            }
            count *= extent;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "' with shape " + Arrays.toString(shape)
                        + " is too large for one Java array");
            }
        }
        return count;
    }
}
