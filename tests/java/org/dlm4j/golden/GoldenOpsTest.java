package org.dlm4j.golden;

import org.dlm4j.kernels.KernelMode;
import org.dlm4j.kernels.Rope;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every op in {@code golden/ops.safetensors} run through dlm4j's {@link Tensor} autograd and
 * compared by name with PyTorch: the output {@code <op>.out} and, after backward of
 * {@code sum(out * dout)} with the stored upstream gradient {@code <op>.dout}, the gradient
 * {@code <op>.d<input>} of every input. Each test runs in both kernel modes.
 *
 * <p>Tolerance: {@code |actual − expected| <= 1e-5 + 1e-4·|expected|}. The reference is float64
 * rounded to float32, inputs are O(1) and every op here sums at most a few dozen float32 terms, so
 * dlm4j's float32 round-off is around 1e-6 relative; a wrong constant, scale, mask or index
 * moves values by far more (the GELU constant, the 1/√hs scale and the causal mask each change
 * outputs in the second decimal or earlier).
 */
class GoldenOpsTest {

    static final double ATOL = 1e-5;
    static final double RTOL = 1e-4;

    /** The op prefixes this class checks; {@link #everyOpInTheFileIsChecked} keeps it in step with the file. */
    private static final Set<String> CHECKED = Set.of("linear", "add", "mul", "div", "exp", "log", "tanh", "sum",
            "mean", "softmax", "log_softmax", "gelu", "layer_norm", "embedding", "attention_causal",
            "attention_bidirectional", "rope", "cross_entropy", "matmul", "transpose_matmul",
            "adamw" /* the optimizer trajectory: checked by org.dlm4j.kernels.AdamWTest */);

    private static final GoldenFile GOLDEN = GoldenFile.load("ops");
    private final KernelMode modeBefore = KernelMode.current();

    @AfterEach
    void restoreMode() {
        KernelMode.set(modeBefore);
    }

    @Test
    void everyOpInTheFileIsChecked() {
        Set<String> prefixes = new TreeSet<>();
        for (String name : GOLDEN.names()) {
            prefixes.add(name.substring(0, name.indexOf('.')));
        }
        assertThat(prefixes).containsExactlyInAnyOrderElementsOf(new TreeSet<>(CHECKED));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void linear(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("linear");
        op.check(op.input("x").linear(op.input("weight"), op.input("bias")));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void addBroadcastsOverLeadingAxes(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("add");
        op.check(op.input("a").add(op.input("b")));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void mulBroadcastsOverLeadingAxes(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("mul");
        op.check(op.input("a").mul(op.input("b")));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void divBroadcastsOverLeadingAxes(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("div");
        op.check(op.input("a").div(op.input("b")));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void exp(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("exp");
        op.check(op.input("x").exp());
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void log(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("log");
        op.check(op.input("x").log());
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void tanh(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("tanh");
        op.check(op.input("x").tanh());
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void sumOverAnAxis(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("sum");
        op.check(op.input("x").sum(Integer.parseInt(GOLDEN.metadata("sum.axis"))));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void meanOverAnAxis(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("mean");
        op.check(op.input("x").mean(Integer.parseInt(GOLDEN.metadata("mean.axis"))));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void softmax(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("softmax");
        op.check(op.input("x").softmax());
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void logSoftmax(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("log_softmax");
        op.check(op.input("x").logSoftmax());
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void geluTanhForm(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("gelu");
        op.check(op.input("x").gelu());
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void layerNorm(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("layer_norm");
        float eps = Float.parseFloat(GOLDEN.metadata("layer_norm.eps"));
        op.check(op.input("x").layerNorm(op.input("weight"), op.input("bias"), eps));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void embeddingAddsTheGradientsOfRepeatedIds(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("embedding");
        op.check(op.input("weight").embedding(op.integers("idx"), GOLDEN.shape("embedding.idx")));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void causalAttention(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("attention_causal");
        op.check(op.input("qkv").attention(Integer.parseInt(GOLDEN.metadata("attention.heads")), true));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void bidirectionalAttention(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("attention_bidirectional");
        op.check(op.input("qkv").attention(Integer.parseInt(GOLDEN.metadata("attention.heads")), false));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void rotaryPositionEmbedding(KernelMode mode) {
        KernelMode.set(mode);
        assertThat(Double.parseDouble(GOLDEN.metadata("rope.base"))).isEqualTo(Rope.BASE);
        var op = new Op("rope");
        op.check(op.input("qkv").rope(Integer.parseInt(GOLDEN.metadata("rope.heads")),
                Integer.parseInt(GOLDEN.metadata("rope.position_offset"))));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void weightedCrossEntropy(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("cross_entropy");
        Tensor logits = op.input("logits");                                   // (N, V)
        op.check(logits.crossEntropy(op.integers("targets"), GOLDEN.get("cross_entropy.weights"), logits.dim(0)));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void batchedMatmul(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("matmul");
        op.check(op.input("a").matmul(op.input("b")));
    }

    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void matmulWithATransposedOperand(KernelMode mode) {
        KernelMode.set(mode);
        var op = new Op("transpose_matmul");
        op.check(op.input("a").matmul(op.input("b").transpose(1, 2)));
    }

    /**
     * One op's golden case: {@link #input} makes a leaf from {@code <prefix>.<name>}; {@link #check}
     * compares the output, backpropagates {@code sum(out * dout)} and compares each input's gradient
     * with {@code <prefix>.d<name>}, and fails if the file holds a gradient no input produced.
     */
    private static final class Op {
        private final String prefix;
        private final Map<String, Tensor> inputs = new LinkedHashMap<>();

        Op(String prefix) {
            this.prefix = prefix;
        }

        /** A fresh leaf (requires grad) holding the stored input {@code <prefix>.<name>}. */
        Tensor input(String name) {
            String key = prefix + "." + name;
            Tensor leaf = Tensor.of(GOLDEN.get(key), GOLDEN.shape(key)).requiresGrad(true);
            inputs.put(name, leaf);
            return leaf;
        }

        /** A stored integer input (indices, targets; kept as exact F32 values) that gets no gradient. */
        int[] integers(String name) {
            float[] values = GOLDEN.get(prefix + "." + name);
            int[] ints = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                ints[i] = Math.round(values[i]);
                assertThat((float) ints[i]).as("%s.%s[%d] is an integer", prefix, name, i).isEqualTo(values[i]);
            }
            return ints;
        }

        void check(Tensor out) {
            assertThat(out.shape()).as("%s.out shape", prefix).containsExactly(GOLDEN.shape(prefix + ".out"));
            GOLDEN.assertClose(prefix + ".out", out.data(), ATOL, RTOL);

            Tensor dout = Tensor.of(GOLDEN.get(prefix + ".dout"), GOLDEN.shape(prefix + ".dout"));
            out.mul(dout).sum().backward();
            Set<String> gradients = new TreeSet<>();
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                String name = prefix + ".d" + e.getKey();
                assertThat(e.getValue().grad()).as("gradient of %s.%s", prefix, e.getKey()).isNotNull();
                GOLDEN.assertClose(name, e.getValue().grad(), ATOL, RTOL);
                gradients.add(name);
            }
            for (String name : GOLDEN.names()) {
                boolean isGradient = name.startsWith(prefix + ".d") && !name.equals(prefix + ".dout");
                if (isGradient && !gradients.contains(name)) {
                    throw new AssertionError("golden gradient '" + name + "' was not checked");
                }
            }
        }
    }
}
