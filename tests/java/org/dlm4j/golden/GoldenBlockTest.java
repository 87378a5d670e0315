package org.dlm4j.golden;

import org.dlm4j.kernels.KernelMode;
import org.dlm4j.kernels.Rng;
import org.dlm4j.nn.Block;
import org.dlm4j.nn.Parameter;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One pre-LN {@link Block} against {@code golden/block.safetensors}: the stored PyTorch weights
 * are copied by name into the block's parameters, then the causal and the bidirectional variant
 * each run forward and backward of {@code sum(out * dout)}; the output, the input gradient and
 * the gradient of every weight are compared by name ({@code <variant>.out}, {@code <variant>.dx},
 * {@code <variant>.grad.<weight name>}), in both kernel modes.
 *
 * <p>The file names weights as a transformer's first block ({@code blocks.0.ln1.weight}); a lone
 * Block names them {@code ln1.weight}, so the prefix {@code blocks.0.} joins the two.
 *
 * <p>Tolerance {@code 1e-5 + 1e-4·|expected|}, as for single ops: the block chains about ten ops
 * with sums of at most 128 terms over O(1) values (weight gradients sum over B·T = 16 rows), so
 * float32 round-off stays near 1e-6 relative.
 */
class GoldenBlockTest {

    private static final String PREFIX = "blocks.0.";
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    private static final GoldenFile GOLDEN = GoldenFile.load("block");

    private final KernelMode modeBefore = KernelMode.current();

    @AfterEach
    void restoreMode() {
        KernelMode.set(modeBefore);
    }

    static Stream<Arguments> variants() {
        return Stream.of(KernelMode.values()).flatMap(mode -> Stream.of(
                Arguments.of("causal", true, mode), Arguments.of("bidirectional", false, mode)));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("variants")
    void forwardAndBackwardMatchPyTorch(String variant, boolean causal, KernelMode mode) {
        KernelMode.set(mode);
        int channels = Integer.parseInt(GOLDEN.metadata("block.C"));
        int numHeads = Integer.parseInt(GOLDEN.metadata("block.H"));
        int mlpRatio = Integer.parseInt(GOLDEN.metadata("block.mlp_ratio"));
        var block = new Block(new Block.Config(channels, numHeads, mlpRatio, causal, false, true, 0f, 1), new Rng(1));
        Map<String, Parameter> parameters = loadWeights(block.namedParameters());

        Tensor x = Tensor.of(GOLDEN.get("x"), GOLDEN.shape("x")).requiresGrad(true);   // (B, T, C)
        Tensor out = block.forward(x, null);                                               // (B, T, C)
        assertThat(out.shape()).containsExactly(GOLDEN.shape(variant + ".out"));
        GOLDEN.assertClose(variant + ".out", out.data(), ATOL, RTOL);

        out.mul(Tensor.of(GOLDEN.get("dout"), GOLDEN.shape("dout"))).sum().backward();
        GOLDEN.assertClose(variant + ".dx", x.grad(), ATOL, RTOL);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            GOLDEN.assertClose(variant + ".grad." + PREFIX + e.getKey(), e.getValue().grad(), ATOL, RTOL);
        }
    }

    /**
     * Copies every stored weight {@code blocks.0.<name>} into the block's parameter {@code <name>};
     * fails on a missing or extra name or a shape mismatch, so a renamed parameter cannot slip by.
     */
    static Map<String, Parameter> loadWeights(Map<String, Parameter> parameters) {
        Set<String> stored = new TreeSet<>();
        for (String name : GOLDEN.names()) {
            if (name.startsWith(PREFIX)) {
                stored.add(name.substring(PREFIX.length()));
            }
        }
        assertThat(new TreeSet<>(parameters.keySet())).as("Block parameter names vs golden weights")
                .containsExactlyElementsOf(stored);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            String name = PREFIX + e.getKey();
            assertThat(e.getValue().shape()).as("shape of %s", name).containsExactly(GOLDEN.shape(name));
            float[] values = GOLDEN.get(name);
            System.arraycopy(values, 0, e.getValue().data(), 0, values.length);
        }
        return parameters;
    }
}
