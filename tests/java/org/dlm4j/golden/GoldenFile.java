package org.dlm4j.golden;

import org.dlm4j.train.NamedArray;
import org.dlm4j.train.Safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A golden file: reference tensors that {@code tests/golden/make_golden.py} computed with PyTorch
 * and stored as safetensors, looked up by name (never by position).
 *
 * <p>Loading checks the metadata's {@code magic} and {@code version}; a file from another generator
 * or an older version fails at once with a HINT giving the command that regenerates it. Every
 * failure (a missing name, a shape or length mismatch, values beyond tolerance) is an
 * {@link AssertionError} whose message names the file and the tensor and ends with that HINT.
 */
public final class GoldenFile {

    public static final String MAGIC = "dlm4j-golden";
    public static final String VERSION = "1";
    /** The command, run from the repository root, that rewrites tests/resources/golden/. */
    public static final String REGENERATE = "/usr/bin/python3 tests/golden/make_golden.py";
    static final String HINT = "HINT: if the reference changed on purpose, regenerate the golden files with: "
            + REGENERATE;

    private final String source;
    private final Safetensors.Contents contents;

    private GoldenFile(String source, Safetensors.Contents contents) {
        this.source = source;
        this.contents = contents;
        String magic = contents.metadata().get("magic");
        String version = contents.metadata().get("version");
        if (!MAGIC.equals(magic)) {
            throw new AssertionError("golden file " + source + " has magic " + quoted(magic) + ", expected \""
                    + MAGIC + "\". " + HINT);
        }
        if (!VERSION.equals(version)) {
            throw new AssertionError("golden file " + source + " has version " + quoted(version)
                    + ", this test expects version " + VERSION + ". " + HINT);
        }
    }

    /** Loads {@code golden/<name>.safetensors} from the test class path ({@code "ops"}, {@code "block"}). */
    public static GoldenFile load(String name) {
        String resource = "/golden/" + name + ".safetensors";
        try (InputStream in = GoldenFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("golden file " + resource + " is not on the test class path. " + HINT);
            }
            return new GoldenFile(resource, Safetensors.decode(in.readAllBytes(), resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a golden file from a path. */
    public static GoldenFile load(Path path) {
        try {
            return new GoldenFile(path.toString(), Safetensors.decode(Files.readAllBytes(path), path.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of all tensors in the file. */
    public Set<String> names() {
        return contents.tensors().keySet();
    }

    /** A copy of the values of tensor {@code name}, row-major. */
    public float[] get(String name) {
        return array(name).data().clone();
    }

    /** The shape of tensor {@code name}. */
    public int[] shape(String name) {
        return array(name).shape();
    }

    /** A metadata entry, such as {@code "sum.axis"}. */
    public String metadata(String key) {
        String value = contents.metadata().get(key);
        if (value == null) {
            throw new AssertionError("golden file " + source + " has no metadata '" + key + "'. " + HINT);
        }
        return value;
    }

    /** All metadata entries. */
    public Map<String, String> metadata() {
        return contents.metadata();
    }

    /**
     * Asserts that {@code actual} matches tensor {@code name} element by element within
     * {@code |actual − expected| <= atol + rtol·|expected|} (the rule of numpy's allclose). On failure
     * the message names the tensor, the number of elements out of tolerance and the index (flat and
     * per axis) with the largest difference together with both values. NaN never matches.
     */
    public void assertClose(String name, float[] actual, double atol, double rtol) {
        assertClose(name, actual, atol, rtol, HINT);
    }

    /**
     * As {@link #assertClose(String, float[], double, double)}, ending the message with {@code hint}
     * instead of the advice to regenerate the files: for tests where a mismatch means the code under
     * test is wrong, not the reference (the lessons).
     */
    public void assertClose(String name, float[] actual, double atol, double rtol, String hint) {
        NamedArray expected = array(name);
        float[] want = expected.data();
        if (actual.length != want.length) {
            throw new AssertionError("golden " + source + " '" + name + "': expected " + want.length
                    + " values (shape " + Arrays.toString(expected.shape()) + "), got " + actual.length + ". " + hint);
        }
        int failures = 0;
        int worst = -1;
        double worstDifference = -1;
        for (int i = 0; i < want.length; i++) {
            double difference = Math.abs((double) actual[i] - want[i]);
            if (Double.isNaN(difference)) {
                difference = Double.POSITIVE_INFINITY;
            }
            if (!(difference <= atol + rtol * Math.abs(want[i]))) {
                failures++;
            }
            if (difference > worstDifference) {
                worstDifference = difference;
                worst = i;
            }
        }
        if (failures > 0) {
            throw new AssertionError("golden " + source + " '" + name + "': " + failures + " of " + want.length
                    + " values differ beyond atol=" + atol + " rtol=" + rtol + "; largest difference "
                    + worstDifference + " at index " + worst + " " + Arrays.toString(unravel(worst, expected.shape()))
                    + " (expected " + want[worst] + ", actual " + actual[worst] + "). " + hint);
        }
    }

    private NamedArray array(String name) {
        NamedArray array = contents.tensors().get(name);
        if (array == null) {
            throw new AssertionError("golden file " + source + " has no tensor '" + name + "'. " + HINT);
        }
        return array;
    }

    /** The per-axis index of flat row-major index {@code flat}. */
    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        int rest = flat;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            index[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        return index;
    }

    private static String quoted(String value) {
        return value == null ? "(none)" : "\"" + value + "\"";
    }
}
