package org.dlm4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void independentItemsGiveTheBinomialStandardError() {
        // 400 items, 30% correct, each its own cluster: SE ~ sqrt(p (1 - p) / n) = 0.0229
        double[] values = new double[400];
        List<String> clusters = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 10 < 3 ? 1 : 0;
            clusters.add("item" + i);
        }
        assertThat(Bootstrap.standardError(values, clusters)).isCloseTo(Math.sqrt(0.3 * 0.7 / 400), within(0.003));
    }

    @Test
    void itemsOfOneClusterMoveTogetherSoTheErrorIsThatOfTheClusters() {
        // 100 stories of 4 identical items: only 100 independent outcomes, SE ~ sqrt(p (1 - p) / 100)
        double[] values = new double[400];
        List<String> clusters = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            values[i] = (i / 4) % 10 < 3 ? 1 : 0;
            clusters.add("story" + i / 4);
        }
        double clustered = Bootstrap.standardError(values, clusters);
        assertThat(clustered).isCloseTo(Math.sqrt(0.3 * 0.7 / 100), within(0.006));
        assertThat(clustered).isGreaterThan(1.8 * Math.sqrt(0.3 * 0.7 / 400));
        assertThat(Bootstrap.standardError(values, clusters)).isEqualTo(clustered); // fixed seed
    }

    @Test
    void degenerateInputs() {
        assertThat(Bootstrap.standardError(new double[] {1, 0}, List.of("a", "a"))).isNaN(); // one cluster
        assertThat(Bootstrap.standardError(new double[] {1, 1, 1}, List.of("a", "b", "c"))).isZero();
        assertThatThrownBy(() -> Bootstrap.standardError(new double[] {1}, List.of("a", "b")))
                .hasMessageContaining("1 values but 2 cluster labels");
    }
}
