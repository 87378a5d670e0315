package org.dlm4j.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RevealScheduleTest {

    @Test
    void oneBlockSpreadsThePositionsEvenly() {
        RevealSchedule schedule = RevealSchedule.of(10, 4, 0);
        assertThat(reveals(schedule)).containsExactly(2, 3, 2, 3);
        assertThat(RevealSchedule.of(7, 7, 0).reveals(3)).isEqualTo(1);
        assertThat(reveals(RevealSchedule.of(5, 1, 0))).containsExactly(5);
    }

    @Test
    void blocksGetStepsInProportionAndRunLeftToRight() {
        RevealSchedule schedule = RevealSchedule.of(12, 6, 4);          // 3 blocks of 4, 2 steps each
        assertThat(schedule.blocks()).isEqualTo(3);
        assertThat(reveals(schedule)).containsExactly(2, 2, 2, 2, 2, 2);
        assertThat(blocks(schedule)).containsExactly(0, 0, 1, 1, 2, 2);

        RevealSchedule ragged = RevealSchedule.of(10, 5, 4);            // blocks 4, 4, 2
        assertThat(blocks(ragged)).containsExactly(0, 0, 1, 1, 2);
        assertThat(reveals(ragged)).containsExactly(2, 2, 2, 2, 2);
        assertThat(ragged.blockStart(2)).isEqualTo(8);
        assertThat(ragged.blockEnd(2)).isEqualTo(10);

        RevealSchedule everyStep = RevealSchedule.of(10, 10, 4);
        assertThat(reveals(everyStep)).containsOnly(1);
        assertThat(blocks(everyStep)).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2);
    }

    @Test
    void rejectsImpossibleSchedules() {
        assertThatThrownBy(() -> RevealSchedule.of(5, 6, 0)).hasMessageContaining("steps 6 exceed the 5 positions");
        assertThatThrownBy(() -> RevealSchedule.of(12, 2, 4)).hasMessageContaining("fewer than the 3 blocks");
        assertThatThrownBy(() -> RevealSchedule.of(0, 1, 0)).hasMessageContaining("no masked position");
        assertThatThrownBy(() -> RevealSchedule.of(4, 0, 0)).hasMessageContaining("steps must be positive");
    }

    private static int[] reveals(RevealSchedule schedule) {
        int[] out = new int[schedule.steps()];
        for (int s = 0; s < out.length; s++) {
            out[s] = schedule.reveals(s);
        }
        return out;
    }

    private static int[] blocks(RevealSchedule schedule) {
        int[] out = new int[schedule.steps()];
        for (int s = 0; s < out.length; s++) {
            out[s] = schedule.block(s);
        }
        return out;
    }
}
