package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;

import org.dlm4j.kernels.Rng;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void creationGivesShapeSizeAndLiveData() {
        float[] values = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(values, 2, 3);
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.rank()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.dim(-1)).isEqualTo(3);
        assertThat(t.data()).isSameAs(values);
        assertThat(t.isLeaf()).isTrue();
        assertThat(t.requiresGrad()).isFalse();
        assertThat(Tensor.scalar(2.5f).rank()).isZero();
        assertThat(Tensor.scalar(2.5f).item()).isEqualTo(2.5f);
        assertThat(Tensor.zeros(3, 0).size()).isZero();
    }

    @Test
    void badShapesAndAccessesGiveClearErrors() {
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 elements").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).hasMessageContaining("negative size");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).item()).hasMessageContaining("size 1");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).dim(2)).hasMessageContaining("axis 2 is out of range");
        assertThatThrownBy(() -> TestData.random(1, 2, 3).backward()).hasMessageContaining("scalar");
        assertThatThrownBy(() -> Tensor.zeros(1).sum().backward()).hasMessageContaining("does not require grad");
        Tensor product = TestData.random(1, 2).mul(TestData.random(2, 2));
        assertThatThrownBy(() -> product.requiresGrad(false)).hasMessageContaining("leaf");
    }

    @Test
    void randnIsReproducibleForASeed() {
        Tensor a = Tensor.randn(new Rng(9), 0.02f, 4, 5);
        Tensor b = Tensor.randn(new Rng(9), 0.02f, 4, 5);
        assertThat(a.data()).containsExactly(b.data());
        assertThat(Tensor.randn(new Rng(10), 0.02f, 4, 5).data()).isNotEqualTo(a.data());
    }

    @Test
    void leafGradientsAccumulateUntilZeroGrad() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Tensor loss = x.mul(x).sum(); // d/dx = 2x
        loss.backward();
        assertThat(x.grad()).containsExactly(2, -4, 6);
        loss.backward();
        assertThat(x.grad()).containsExactly(4, -8, 12);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
        x.mul(x).sum().backward();
        assertThat(x.grad()).containsExactly(2, -4, 6);
    }

    @Test
    void intermediateGradientsAreFreshOnEveryBackward() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor squared = x.mul(x);
        Tensor loss = squared.sum();
        loss.backward();
        loss.backward();
        assertThat(squared.grad()).containsExactly(1, 1);
        assertThat(loss.grad()).containsExactly(1);
    }

    @Test
    void sharedSubexpressionsSumTheirPaths() {
        Tensor a = Tensor.of(new float[] {3}, 1).requiresGrad(true);
        Tensor b = a.mul(a);                 // b = a^2
        Tensor y = b.mul(a).add(b).sum();    // y = a^3 + a^2, dy/da = 3a^2 + 2a = 33
        y.backward();
        assertThat(a.grad()).containsExactly(33f);
    }

    @Test
    void inputsThatDoNotRequireGradGetNoGradient() {
        Tensor x = TestData.random(3, 2, 2);
        Tensor constant = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        x.mul(constant).sum().backward();
        assertThat(constant.grad()).isNull();
        assertThat(x.grad()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void longChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.of(new float[] {1}, 1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(x);
        }
        y.sum().backward();
        assertThat(x.grad()).containsExactly(20_001f);
    }

    @Test
    void noGradBuildsNoGraphAndIsThreadLocal() throws Exception {
        Tensor x = TestData.random(4, 3);
        Tensor y;
        AtomicBoolean otherThreadTracks = new AtomicBoolean();
        try (var outer = Tensor.noGrad()) {
            try (var inner = Tensor.noGrad()) {
                assertThat(Tensor.gradEnabled()).isFalse();
            }
            assertThat(Tensor.gradEnabled()).isFalse();
            y = x.mul(x).sum();
            Thread other = new Thread(() -> otherThreadTracks.set(x.mul(x).requiresGrad()));
            other.start();
            other.join();
        }
        assertThat(otherThreadTracks).isTrue();
        assertThat(Tensor.gradEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalArgumentException.class);
        assertThat(x.grad()).isNull();
        assertThat(x.mul(x).requiresGrad()).isTrue();
    }

    @Test
    void detachCopiesWithoutGraph() {
        Tensor x = TestData.random(5, 2);
        Tensor d = x.mul(x).detach();
        assertThat(d.isLeaf()).isTrue();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.data()[0]).isEqualTo(x.data()[0] * x.data()[0]);
    }
}
