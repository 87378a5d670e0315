package org.dlm4j.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeSet;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.nn.Parameter;

/**
 * What the whole-model golden files ({@code model}, {@code model_tied}, {@code model_rope}) hold,
 * read into dlm4j's types: the model with PyTorch's weights copied in by name, the token ids, the
 * diffusion mask, and the comparison of every weight's gradient by name.
 */
final class GoldenModel {
    private GoldenModel() {
    }

    /** A model of the file's config with every stored weight copied in by name. */
    static Transformer load(GoldenFile golden, boolean causal) {
        var config = new TransformerConfig(meta(golden, "vocab_size"), meta(golden, "context_length"),
                meta(golden, "d_model"), meta(golden, "num_layers"), meta(golden, "num_heads"),
                meta(golden, "mlp_ratio"), Float.parseFloat(golden.metadata("model.dropout")), causal,
                Boolean.parseBoolean(golden.metadata("model.bias")),
                Boolean.parseBoolean(golden.metadata("model.tied_head")), positions(golden));
        var model = new Transformer(config, new Rng(1));
        Map<String, Parameter> parameters = model.namedParameters();
        TreeSet<String> stored = new TreeSet<>();
        for (String name : golden.names()) {
            if (!name.equals("tokens") && !name.startsWith("ar.") && !name.startsWith("dlm.")) {
                stored.add(name);
            }
        }
        assertThat(new TreeSet<>(parameters.keySet())).as("Transformer parameter names vs golden weights")
                .containsExactlyElementsOf(stored);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            assertThat(e.getValue().shape()).as("shape of %s", e.getKey()).containsExactly(golden.shape(e.getKey()));
            float[] values = golden.get(e.getKey());
            System.arraycopy(values, 0, e.getValue().data(), 0, values.length);
        }
        return model;
    }

    /** Compares {@code <prefix>.grad.<name>} for every parameter, and that the file has no others. */
    static void assertGradients(GoldenFile golden, String prefix, Transformer model, double atol, double rtol) {
        Map<String, Parameter> parameters = model.namedParameters();
        TreeSet<String> stored = new TreeSet<>();
        for (String name : golden.names()) {
            if (name.startsWith(prefix + ".grad.")) {
                stored.add(name.substring((prefix + ".grad.").length()));
            }
        }
        assertThat(new TreeSet<>(parameters.keySet())).containsExactlyElementsOf(stored);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            assertThat(e.getValue().grad()).as("gradient of %s", e.getKey()).isNotNull();
            golden.assertClose(prefix + ".grad." + e.getKey(), e.getValue().grad(), atol, rtol);
        }
    }

    /** The stored 0/1 mask (B, T) as booleans; any other value fails. */
    static boolean[] storedMask(GoldenFile golden) {
        float[] values = golden.get("dlm.mask");
        boolean[] masked = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            assertThat(values[i]).as("dlm.mask[%d]", i).isIn(0f, 1f);
            masked[i] = values[i] == 1f;
        }
        return masked;
    }

    /** x0: the first T tokens of each (T+1)-token window. */
    static int[] firstTokens(int[] windows, int batch, int length) {
        int[] x0 = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windows, b * (length + 1), x0, b * length, length);
        }
        return x0;
    }

    /** The last T tokens of each (T+1)-token window: the AR targets. */
    static int[] lastTokens(int[] windows, int batch, int length) {
        int[] targets = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windows, b * (length + 1) + 1, targets, b * length, length);
        }
        return targets;
    }

    /** A stored tensor of token ids (exact integers kept as F32). */
    static int[] integers(GoldenFile golden, String name) {
        float[] values = golden.get(name);
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = Math.round(values[i]);
            assertThat((float) ints[i]).as("%s[%d] is an integer", name, i).isEqualTo(values[i]);
        }
        return ints;
    }

    /** An integer entry {@code model.<key>} of the metadata. */
    static int meta(GoldenFile golden, String key) {
        return Integer.parseInt(golden.metadata("model." + key));
    }

    /** model.positions as JSON ("\"rope\""); a file without the key has learned positions. */
    private static PositionEncoding positions(GoldenFile golden) {
        String value = golden.metadata().get("model.positions");
        return value == null ? PositionEncoding.LEARNED : PositionEncoding.fromConfigName(value.replace("\"", ""));
    }
}
