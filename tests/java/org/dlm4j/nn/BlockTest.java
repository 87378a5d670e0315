package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.dlm4j.kernels.KernelMode;
import org.dlm4j.kernels.Parallel;
import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.GradCheck;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.TestData;
import org.junit.jupiter.api.Test;

class BlockTest {

    @Test
    void forwardIsPreLnWithResiduals() {
        Block block = new Block(new Block.Config(4, 2, 2, true, false, true, 0f, 1), new Rng(1));
        NnTestData.randomize(block, 2, 0.5f);
        Tensor x = TestData.random(3, 2, 3, 4);
        var p = block.namedParameters();
        Tensor h = x.add(x.layerNorm(p.get("ln1.weight"), p.get("ln1.bias"), LayerNorm.EPS)
                .linear(p.get("attn.qkv.weight"), p.get("attn.qkv.bias")).attention(2, true)
                .linear(p.get("attn.proj.weight"), p.get("attn.proj.bias")));
        Tensor expected = h.add(h.layerNorm(p.get("ln2.weight"), p.get("ln2.bias"), LayerNorm.EPS)
                .linear(p.get("mlp.fc.weight"), p.get("mlp.fc.bias")).gelu()
                .linear(p.get("mlp.proj.weight"), p.get("mlp.proj.bias")));
        assertThat(block.forward(x, null).data()).containsExactly(expected.data());
    }

    @Test
    void gradients() {
        for (boolean causal : new boolean[] {true, false}) {
            Block block = new Block(new Block.Config(4, 2, 2, causal, false, true, 0.25f, 2), new Rng(4));
            NnTestData.randomize(block, 5, 0.5f);
            Tensor x = TestData.random(6, 2, 3, 4);
            // A fresh Rng with the same seed per call: the same dropout masks in every evaluation.
            GradCheck.check("Block causal=" + causal + " parameters", () -> block.forward(x, new Rng(9)),
                    block.namedParameters());
            GradCheck.check("Block causal=" + causal + " input", () -> block.forward(x, new Rng(9)), x);
        }
    }

    @Test
    void sameSeedsGiveBitIdenticalOutputsAndGradients() {
        List<float[]> first = forwardBackward(KernelMode.FAST);
        List<float[]> second = forwardBackward(KernelMode.FAST);
        assertBitIdentical(first, second);
    }

    @Test
    void oneAndTwoThreadsAreBitIdentical() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            List<float[]> single = forwardBackward(KernelMode.FAST);
            Parallel.setThreads(2);
            List<float[]> dual = forwardBackward(KernelMode.FAST);
            assertBitIdentical(single, dual);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void referenceAndFastKernelsAgree() {
        List<float[]> reference = forwardBackward(KernelMode.REFERENCE);
        List<float[]> fast = forwardBackward(KernelMode.FAST);
        for (int i = 0; i < reference.size(); i++) {
            TestData.assertClose("array " + i, fast.get(i), reference.get(i), 1e-4);
        }
    }

    /** Output and every gradient of a Block big enough that the kernels split work across threads. */
    private static List<float[]> forwardBackward(KernelMode mode) {
        KernelMode saved = KernelMode.current();
        KernelMode.set(mode);
        try {
            Block block = new Block(new Block.Config(32, 4, 4, true, false, true, 0.1f, 2), new Rng(11));
            NnTestData.randomize(block, 12, 0.2f);
            Tensor x = TestData.random(13, 4, 64, 32);
            Tensor y = block.forward(x, new Rng(14));
            y.mul(y).mean().backward();
            List<float[]> arrays = new ArrayList<>();
            arrays.add(y.data());
            arrays.add(x.grad());
            for (Parameter p : block.parameters()) {
                arrays.add(p.grad());
            }
            return arrays;
        } finally {
            KernelMode.set(saved);
        }
    }

    private static void assertBitIdentical(List<float[]> a, List<float[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("array " + i).containsExactly(b.get(i));
        }
    }
}
