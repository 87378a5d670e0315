package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.GradCheck;
import org.dlm4j.tensor.Tensor;
import org.dlm4j.tensor.TestData;
import org.junit.jupiter.api.Test;

class MLPTest {

    @Test
    void projectionUsesTheResidualInit() {
        MLP mlp = new MLP(64, 4, true, 8, new Rng(1));
        assertThat(NnTestData.std(mlp.namedParameters().get("fc.weight").data())).isCloseTo(0.02, within(0.001));
        assertThat(NnTestData.std(mlp.namedParameters().get("proj.weight").data()))
                .isCloseTo(0.02 / Math.sqrt(16), within(0.0003));
    }

    @Test
    void forwardIsProjOfGeluOfFc() {
        MLP mlp = new MLP(3, 2, true, 1, new Rng(2));
        NnTestData.randomize(mlp, 3, 1f);
        Tensor x = TestData.random(4, 2, 3);
        var p = mlp.namedParameters();
        Tensor expected = x.linear(p.get("fc.weight"), p.get("fc.bias")).gelu()
                .linear(p.get("proj.weight"), p.get("proj.bias"));
        assertThat(mlp.forward(x).data()).containsExactly(expected.data());
    }

    @Test
    void gradients() {
        MLP mlp = new MLP(3, 2, false, 2, new Rng(5));
        NnTestData.randomize(mlp, 6, 0.7f);
        Tensor x = TestData.random(7, 2, 2, 3);
        GradCheck.check("MLP parameters", () -> mlp.forward(x), mlp.namedParameters());
        GradCheck.check("MLP input", () -> mlp.forward(x), x);
    }
}
