package org.dlm4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StridedIndexTest {
    @Test
    void splitsAShapeAroundAnAxis() {
        int[] shape = {2, 3, 4, 5};
        assertThat(StridedIndex.outer(shape, 0)).isEqualTo(1);
        assertThat(StridedIndex.outer(shape, 2)).isEqualTo(6);
        assertThat(StridedIndex.inner(shape, 1)).isEqualTo(20);
        assertThat(StridedIndex.inner(shape, 3)).isEqualTo(1);
    }

    @Test
    void gatherMapOfATransposeAndOfABroadcast() {
        // the transpose of a (2, 3) tensor: shape (3, 2), strides (1, 3) into the source
        assertThat(StridedIndex.gatherMap(new int[] {3, 2}, new int[] {1, 3})).containsExactly(0, 3, 1, 4, 2, 5);
        // a (3) row broadcast to (2, 3): stride 0 along the new axis
        assertThat(StridedIndex.gatherMap(new int[] {2, 3}, new int[] {0, 1})).containsExactly(0, 1, 2, 0, 1, 2);
    }
}
