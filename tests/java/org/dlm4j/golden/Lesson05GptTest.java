package org.dlm4j.golden;

import java.util.Map;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.nn.Block;
import org.dlm4j.nn.Linear;
import org.dlm4j.nn.Parameter;
import org.dlm4j.nn.SelfAttention;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 5, the GPT: {@link Linear}, {@link SelfAttention} and {@link Block} forward, and the capstone,
 * {@link Transformer#forward}: logits, loss and every gradient of the whole model equal PyTorch's
 * (the golden files written by tests/golden/make_golden.py). See lessons/05-gpt.
 */
@LessonTest
@Tag("L05")
class Lesson05GptTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    private static final String GOLDEN_HINT = "the reference is PyTorch running the same weights: compare your"
            + " forward pass with the formula in the class comment, step by step";

    // ---- L05.1 Linear ----

    @Test
    @Tag("L05.1")
    void linearComputesXTimesWTransposedPlusBias() {
        Linear layer = new Linear(4, 3, true, new Rng(1));
        fill(layer.bias(), 0.5f, -1f, 2f);
        Tensor x = Tensor.randn(new Rng(2), 1f, 2, 5, 4);                         // (2, 5, 4)
        Tensor y = layer.forward(x);
        Expect.equal("shape of Linear(4 -> 3) applied to (2, 5, 4)", new int[] {2, 5, 3}, y.shape(),
                "only the last axis changes: (..., in) -> (..., out)");
        Expect.close("y = x Wᵀ + b", linear(x.data(), layer.weight().data(), layer.bias().data(), 10, 4, 3), y.data(),
                ATOL, RTOL, "W is stored (out, in) as in PyTorch: use x.linear(weight, bias)", 2, 5, 3);
    }

    @Test
    @Tag("L05.1")
    void linearWithoutBias() {
        Linear layer = new Linear(3, 2, false, new Rng(3));
        Tensor x = Tensor.randn(new Rng(4), 1f, 4, 3);
        Expect.close("y = x Wᵀ without a bias", linear(x.data(), layer.weight().data(), null, 4, 3, 2),
                layer.forward(x).data(), ATOL, RTOL, "a layer built without bias has bias() == null");
    }

    // ---- L05.2 SelfAttention ----

    @Test
    @Tag("L05.2")
    void selfAttentionIsProjectAttendProject() {
        for (boolean rope : new boolean[] {false, true}) {
            for (boolean causal : new boolean[] {true, false}) {
                SelfAttention attention = new SelfAttention(8, 2, causal, rope, true, 2, new Rng(5));
                Map<String, Parameter> p = attention.namedParameters();
                Tensor x = Tensor.randn(new Rng(6), 1f, 2, 3, 8);                      // (B, T, C)
                Tensor qkv = x.linear(p.get("qkv.weight"), p.get("qkv.bias"));
                Tensor positioned = rope ? qkv.rope(2, 0) : qkv;
                Tensor expected = positioned.attention(2, causal).linear(p.get("proj.weight"), p.get("proj.bias"));
                Expect.close((causal ? "causal" : "bidirectional") + (rope ? " with rope" : " without rope"),
                        expected.data(), attention.forward(x).data(), ATOL, RTOL,
                        "qkv projection, then rope only when rope() is true, then attention(numHeads, causal), then"
                                + " the output projection", 2, 3, 8);
            }
        }
    }

    @Test
    @Tag("L05.2")
    void causalAttentionDoesNotLookAhead() {
        SelfAttention attention = new SelfAttention(8, 2, true, false, true, 1, new Rng(7));
        float[] data = Tensor.randn(new Rng(8), 1f, 1, 4, 8).data();
        float[] before = attention.forward(Tensor.of(data.clone(), 1, 4, 8)).data();
        float[] changed = data.clone();
        for (int c = 0; c < 8; c++) {
            changed[3 * 8 + c] += 1f;                                                  // the last position
        }
        float[] after = attention.forward(Tensor.of(changed, 1, 4, 8)).data();
        Expect.close("outputs at positions 0..2 after changing the input at position 3",
                java.util.Arrays.copyOf(before, 3 * 8), java.util.Arrays.copyOf(after, 3 * 8), 0, 0,
                "a causal model must not see the future: pass causal() to the attention op", 3, 8);
    }

    // ---- L05.3 Block ----

    @Test
    @Tag("L05.3")
    void blockMatchesPyTorchForwardAndBackward() {
        GoldenFile golden = GoldenFile.load("block");
        int channels = Integer.parseInt(golden.metadata("block.C"));
        int numHeads = Integer.parseInt(golden.metadata("block.H"));
        int mlpRatio = Integer.parseInt(golden.metadata("block.mlp_ratio"));
        for (String variant : new String[] {"causal", "bidirectional"}) {
            var block = new Block(new Block.Config(channels, numHeads, mlpRatio, variant.equals("causal"), false, true,
                    0f, 1), new Rng(1));
            Map<String, Parameter> parameters = GoldenBlockTest.loadWeights(block.namedParameters());
            Tensor x = Tensor.of(golden.get("x"), golden.shape("x")).requiresGrad(true);      // (B, T, C)
            Tensor out = block.forward(x, null);
            golden.assertClose(variant + ".out", out.data(), ATOL, RTOL, "HINT: x + attn(ln1(x)) first, then"
                    + " x + mlp(ln2(x)) on the result; each branch through its dropout module");
            out.mul(Tensor.of(golden.get("dout"), golden.shape("dout"))).sum().backward();
            golden.assertClose(variant + ".dx", x.grad(), ATOL, RTOL, "HINT: the output matches but the gradient"
                    + " does not: is every residual branch added to x (not replacing it)?");
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                golden.assertClose(variant + ".grad.blocks.0." + e.getKey(), e.getValue().grad(), ATOL, RTOL,
                        "HINT: " + GOLDEN_HINT);
            }
        }
    }

    // ---- L05.4 the capstone: the whole model against PyTorch ----

    @Test
    @Tag("L05.4")
    void theWholeModelMatchesPyTorchLogitsLossAndGradients() {
        for (String file : new String[] {"model", "model_tied", "model_rope"}) {
            GoldenFile golden = GoldenFile.load(file);
            int batch = GoldenModel.meta(golden, "batch_size");
            int length = GoldenModel.meta(golden, "context_length");
            int[] windows = GoldenModel.integers(golden, "tokens");                        // (B, T+1)
            Transformer ar = GoldenModel.load(golden, true);
            Tensor logits = ar.forward(GoldenModel.firstTokens(windows, batch, length), batch, length, null);
            golden.assertClose("ar.logits", logits.data(), ATOL, RTOL, "HINT (" + file + "): " + GOLDEN_HINT);
            int[] targets = GoldenModel.lastTokens(windows, batch, length);
            Tensor loss = logits.crossEntropy(targets);
            golden.assertClose("ar.loss", loss.data(), ATOL, RTOL, "HINT (" + file + "): the logits match, so the"
                    + " loss should too");
            loss.backward();
            GoldenModel.assertGradients(golden, "ar", ar, ATOL, RTOL);

            Transformer diffusion = GoldenModel.load(golden, false);
            Tensor bidirectional = diffusion.forward(GoldenModel.integers(golden, "dlm.input"), batch, length, null);
            golden.assertClose("dlm.logits", bidirectional.data(), ATOL, RTOL, "HINT (" + file + "): the same"
                    + " model with bidirectional attention; the config's causal flag reaches every block");
        }
    }

    /** (rows, out) = x (rows, in) · Wᵀ + b, in double. */
    private static float[] linear(float[] x, float[] w, float[] b, int rows, int in, int out) {
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = (float) sum;
            }
        }
        return y;
    }

    private static void fill(Parameter p, float... values) {
        System.arraycopy(values, 0, p.data(), 0, values.length);
    }
}
