package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * {@link Workspace}: a pooled step gives the same bits as an unpooled one, a second identical step
 * reuses the first step's arrays and gives the same bits again, live arrays never alias, and
 * leaves (parameters and their gradients) never come from the pool.
 */
class WorkspaceTest {

    /** A transformer-like step: LayerNorm, qkv, attention, projection, GELU MLP, residuals, loss. */
    private record Step(Tensor loss, List<Tensor> graph, List<float[]> parameterGrads) {
    }

    private final Tensor x = TestData.random(1, 2, 32, 64).requiresGrad(true);
    private final Tensor lnWeight = TestData.random(2, 64).requiresGrad(true);
    private final Tensor lnBias = TestData.random(3, 64).requiresGrad(true);
    private final Tensor qkvWeight = TestData.random(4, 192, 64).requiresGrad(true);
    private final Tensor projWeight = TestData.random(5, 64, 64).requiresGrad(true);
    private final Tensor fcWeight = TestData.random(6, 256, 64).requiresGrad(true);
    private final Tensor fcBias = TestData.random(7, 256).requiresGrad(true);
    private final Tensor headWeight = TestData.random(8, 40, 64).requiresGrad(true);
    private final Tensor position = TestData.random(9, 32, 64).requiresGrad(true);
    private final int[] targets = targets();

    private static int[] targets() {
        int[] t = new int[64];
        for (int i = 0; i < t.length; i++) {
            t[i] = (i * 7) % 40;
        }
        return t;
    }

    private Step step() {
        List<Tensor> graph = new ArrayList<>();
        Tensor h = track(graph, x.add(position));
        Tensor n = track(graph, h.layerNorm(lnWeight, lnBias, 1e-5f));
        Tensor attn = track(graph, track(graph, n.linear(qkvWeight, null)).attention(4, true));
        h = track(graph, h.add(track(graph, attn.linear(projWeight, null))));
        Tensor mlp = track(graph, track(graph, h.linear(fcWeight, fcBias)).gelu());
        Tensor logits = track(graph, mlp.reshape(64, 256).narrow(1, 0, 64).linear(headWeight, null));
        Tensor loss = track(graph, logits.crossEntropy(targets));
        loss.backward();
        List<float[]> grads = new ArrayList<>();
        for (Tensor p : List.of(x, lnWeight, lnBias, qkvWeight, projWeight, fcWeight, fcBias, headWeight, position)) {
            grads.add(p.grad().clone());
            p.zeroGrad();
        }
        return new Step(loss, graph, grads);
    }

    private static Tensor track(List<Tensor> graph, Tensor t) {
        graph.add(t);
        return t;
    }

    @Test
    void pooledStepsAreBitIdenticalToUnpooledOnesAndReuseArrays() {
        Step plain = step();
        float plainLoss = plain.loss().item();

        Set<float[]> firstArrays = Collections.newSetFromMap(new IdentityHashMap<>());
        float firstLoss;
        List<float[]> firstGrads;
        try (Workspace ws = Tensor.workspace()) {
            Step first = step();
            firstLoss = first.loss().item();
            firstGrads = first.parameterGrads();
            for (Tensor t : first.graph()) {
                firstArrays.add(t.data());
                firstArrays.add(t.grad());
            }
        }
        assertThat(Workspace.cachedArrays()).isPositive();
        try (Workspace ws = Tensor.workspace()) {
            Step second = step();
            assertThat(second.loss().item()).isEqualTo(firstLoss).isEqualTo(plainLoss);
            for (int i = 0; i < plain.parameterGrads().size(); i++) {
                assertThat(firstGrads.get(i)).as("grad " + i).containsExactly(plain.parameterGrads().get(i));
                assertThat(second.parameterGrads().get(i)).as("grad " + i).containsExactly(plain.parameterGrads().get(i));
            }
            long reused = second.graph().stream().map(Tensor::data).filter(firstArrays::contains).count();
            assertThat(reused).as("arrays of the first step reused by the second").isGreaterThan(5);
        } finally {
            Workspace.releaseCached();
        }
    }

    @Test
    void liveArraysNeverAliasAndLeavesAreNotPooled() {
        try (Workspace ws = Tensor.workspace()) {
            for (int round = 0; round < 2; round++) {
                Step s = step();
                Set<float[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                int arrays = 0;
                for (Tensor t : s.graph()) {
                    if (t.op().equals("reshape")) {
                        continue; // a reshape shares its input's data by contract
                    }
                    arrays += 2;
                    seen.add(t.data());
                    seen.add(t.grad());
                }
                assertThat(seen).as("distinct data and grad arrays of live tensors").hasSize(arrays);
            }
        } finally {
            Workspace.releaseCached();
        }
        assertThat(Workspace.isOpen()).isFalse();
        try (Workspace ws = Tensor.workspace()) {
            Tensor leaf = Tensor.zeros(2048).requiresGrad(true);
            Tensor sum = leaf.gelu().sum();
            sum.backward();
            float[] leafGrad = leaf.grad();
            ws.close();
            try (Workspace next = Tensor.workspace()) {
                Tensor other = TestData.random(3, 2048).gelu();
                assertThat(other.data()).isNotSameAs(leafGrad).isNotSameAs(leaf.data());
            }
        } finally {
            Workspace.releaseCached();
        }
    }
}
