package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SeedsTest {
    @Test
    void streamsAreReproducibleAndDistinct() {
        assertThat(Seeds.step(7, 3).nextLong()).isEqualTo(Seeds.step(7, 3).nextLong());
        Set<Long> firsts = new HashSet<>();
        for (long step = 1; step <= 1000; step++) {
            firsts.add(Seeds.step(7, step).nextLong());
        }
        firsts.add(Seeds.init(7).nextLong());
        firsts.add(Seeds.data(7));
        firsts.add(Seeds.step(8, 1).nextLong());
        assertThat(firsts).hasSize(1003);
        // consecutive steps do not share a shifted stream (the trap of seeding with seed + step)
        assertThat(Seeds.step(7, 2).nextLong()).isNotEqualTo(Seeds.step(7, 1).split().nextLong());
    }
}
