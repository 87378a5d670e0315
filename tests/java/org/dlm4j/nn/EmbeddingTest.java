package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.tensor.GradCheck;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void initShapeAndLookup() {
        Embedding embedding = new Embedding(300, 64, new Rng(1));
        assertThat(embedding.weight().shape()).containsExactly(300, 64);
        assertThat(NnTestData.std(embedding.weight().data())).isCloseTo(0.02, within(0.001));
        var rows = embedding.forward(new int[] {7, 299}, 1, 2);
        assertThat(rows.shape()).containsExactly(1, 2, 64);
        assertThat(rows.data()[64]).isEqualTo(embedding.weight().data()[299 * 64]);
    }

    @Test
    void gradients() {
        Embedding embedding = new Embedding(6, 3, new Rng(2));
        NnTestData.randomize(embedding, 3, 1f);
        GradCheck.check("Embedding", () -> embedding.forward(new int[] {0, 5, 5, 2, 0}), embedding.namedParameters());
    }
}
