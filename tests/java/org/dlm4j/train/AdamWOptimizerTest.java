package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dlm4j.kernels.AdamW;
import org.dlm4j.nn.Module;
import org.dlm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

class AdamWOptimizerTest {

    /** A matrix (decayed) and a vector (not decayed). */
    private static final class TwoParameters extends Module {
        final Parameter matrix = parameter("matrix", new Parameter(new float[] {1f, -2f, 3f, -4f}, 2, 2));
        final Parameter vector = parameter("vector", new Parameter(new float[] {0.5f, -0.5f}, 2));
    }

    private static void setGrads(TwoParameters module, float[] matrixGrad, float[] vectorGrad) {
        module.zeroGrad();
        System.arraycopy(matrixGrad, 0, gradOf(module.matrix), 0, matrixGrad.length);
        System.arraycopy(vectorGrad, 0, gradOf(module.vector), 0, vectorGrad.length);
    }

    /** The parameter's gradient array, allocated through a backward pass of sum(p * 0). */
    private static float[] gradOf(Parameter p) {
        if (p.grad() == null) {
            p.mul(0f).sum().backward();
        }
        return p.grad();
    }

    @Test
    void weightDecayOnlyOnMatrices() {
        var module = new TwoParameters();
        setGrads(module, new float[4], new float[2]);
        var optimizer = new AdamWOptimizer(module, 0.9, 0.99, 1e-8, 0.5);
        optimizer.step(0.1);
        float decay = (float) (1.0 - 0.1 * 0.5);
        assertThat(module.matrix.data()).containsExactly(1f * decay, -2f * decay, 3f * decay, -4f * decay);
        assertThat(module.vector.data()).containsExactly(0.5f, -0.5f);
        assertThat(optimizer.stepCount()).isEqualTo(1);
    }

    @Test
    void stepsMatchTheKernelWithItsOwnMoments() {
        var module = new TwoParameters();
        var optimizer = new AdamWOptimizer(module, 0.9, 0.95, 1e-8, 0.1);
        float[] p = module.matrix.data().clone();
        float[] m = new float[4];
        float[] v = new float[4];
        for (int step = 1; step <= 3; step++) {
            float[] g = {0.1f * step, -0.2f, 0.3f, 0.05f * step};
            setGrads(module, g, new float[] {1f, 1f});
            optimizer.step(0.01 * step);
            AdamW.update(p, g, m, v, 0.01 * step, 0.9, 0.95, 1e-8, 0.1, step);
        }
        assertThat(module.matrix.data()).containsExactly(p);
        assertThat(optimizer.state().get(0).data()).containsExactly(m);
        assertThat(optimizer.state().get(2).data()).containsExactly(v);
    }

    @Test
    void clipScalesToTheMaxNormAndReturnsThePreClipNorm() {
        var module = new TwoParameters();
        setGrads(module, new float[] {3f, 0f, 0f, 0f}, new float[] {4f, 0f});
        var optimizer = new AdamWOptimizer(module, 0.9, 0.99, 1e-8, 0.0);
        assertThat(optimizer.clipGradNorm(10.0)).isEqualTo(5.0);
        assertThat(module.matrix.grad()[0]).isEqualTo(3f); // below the limit: untouched
        assertThat(optimizer.clipGradNorm(1.0)).isEqualTo(5.0);
        assertThat(module.matrix.grad()[0]).isCloseTo(0.6f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(module.vector.grad()[0]).isCloseTo(0.8f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(optimizer.gradNorm()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void stateIsNamedAndReloadingContinuesExactly() {
        var straight = new TwoParameters();
        var straightOptimizer = new AdamWOptimizer(straight, 0.9, 0.99, 1e-8, 0.1);
        var resumed = new TwoParameters();
        var first = new AdamWOptimizer(resumed, 0.9, 0.99, 1e-8, 0.1);
        float[][] grads = {{0.1f, 0.2f, -0.3f, 0.4f}, {-0.5f, 0.1f, 0.2f, 0.0f}, {0.3f, 0.3f, 0.3f, -0.3f}};
        for (int i = 0; i < 2; i++) {
            setGrads(straight, grads[i], new float[] {grads[i][0], grads[i][1]});
            straightOptimizer.step(0.05);
            setGrads(resumed, grads[i], new float[] {grads[i][0], grads[i][1]});
            first.step(0.05);
        }
        assertThat(first.state()).extracting(NamedArray::name)
                .containsExactly("m.matrix", "m.vector", "v.matrix", "v.vector");
        Map<String, NamedArray> saved = new LinkedHashMap<>();
        for (NamedArray a : first.state()) {
            saved.put(a.name(), new NamedArray(a.name(), a.shape(), a.data().clone()));
        }
        var second = new AdamWOptimizer(resumed, 0.9, 0.99, 1e-8, 0.1);
        second.loadState(saved, first.stepCount());
        setGrads(straight, grads[2], new float[] {1f, 2f});
        straightOptimizer.step(0.05);
        setGrads(resumed, grads[2], new float[] {1f, 2f});
        second.step(0.05);
        assertThat(resumed.matrix.data()).containsExactly(straight.matrix.data());
        assertThat(resumed.vector.data()).containsExactly(straight.vector.data());
        assertThat(second.stepCount()).isEqualTo(3);
    }

    @Test
    void loadStateRejectsMissingOrMisshapenArrays() {
        var optimizer = new AdamWOptimizer(new TwoParameters(), 0.9, 0.99, 1e-8, 0.1);
        Map<String, NamedArray> wrong = new LinkedHashMap<>();
        for (NamedArray a : optimizer.state()) {
            wrong.put(a.name(), a);
        }
        wrong.put("v.vector", new NamedArray("v.vector", new int[] {3}, new float[3]));
        assertThatThrownBy(() -> optimizer.loadState(wrong, 1)).hasMessageContaining("'v.vector' has shape [3]");
        wrong.remove("v.vector");
        assertThatThrownBy(() -> optimizer.loadState(wrong, 1)).hasMessageContaining("no tensor 'v.vector'");
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        var module = new TwoParameters();
        var optimizer = new AdamWOptimizer(module, 0.9, 0.99, 1e-8, 0.5);
        optimizer.step(0.1);
        assertThat(module.matrix.data()).containsExactly(1f, -2f, 3f, -4f);
    }
}
