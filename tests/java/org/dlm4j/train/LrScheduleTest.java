package org.dlm4j.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LrScheduleTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void constantIsConstant() {
        LrSchedule schedule = LrSchedule.constant(3e-4);
        assertThat(schedule.at(0)).isEqualTo(3e-4);
        assertThat(schedule.at(1_000_000)).isEqualTo(3e-4);
    }

    @Test
    void cosineWarmsUpLinearlyThenFollowsHalfACosineToMin() {
        // warmup 10, total 110: the cosine runs over the 100 steps 10..110.
        LrSchedule schedule = LrSchedule.cosine(10, 110, 1e-3, 1e-4);

        assertThat(schedule.at(0)).isCloseTo(1e-4, within(TOLERANCE));       // 1e-3 · 1/10
        assertThat(schedule.at(4)).isCloseTo(5e-4, within(TOLERANCE));       // 1e-3 · 5/10
        assertThat(schedule.at(9)).isCloseTo(1e-3, within(TOLERANCE));       // warmup ends at the peak
        assertThat(schedule.at(10)).isCloseTo(1e-3, within(TOLERANCE));      // cos(0) = 1
        assertThat(schedule.at(35)).isCloseTo(1e-4 + 9e-4 * 0.5 * (1 + Math.sqrt(0.5)), within(TOLERANCE)); // π/4
        assertThat(schedule.at(60)).isCloseTo(5.5e-4, within(TOLERANCE));    // halfway: (peak + min) / 2
        assertThat(schedule.at(110)).isCloseTo(1e-4, within(TOLERANCE));
        assertThat(schedule.at(500)).isEqualTo(1e-4);
    }

    @Test
    void cosineWithoutWarmupStartsAtThePeak() {
        LrSchedule schedule = LrSchedule.cosine(0, 4, 2.0, 0.0);
        assertThat(schedule.at(0)).isEqualTo(2.0);
        assertThat(schedule.at(2)).isCloseTo(1.0, within(TOLERANCE));
        assertThat(schedule.at(4)).isEqualTo(0.0);
    }

    @Test
    void warmupStableDecayHoldsThePeakThenDecaysLinearly() {
        // total 1000, last 20% decays: stable from step 5 to 799, decay over 800..1000.
        LrSchedule.WarmupStableDecay schedule =
                (LrSchedule.WarmupStableDecay) LrSchedule.warmupStableDecay(5, 1000, 0.2, 1e-3, 0.0);

        assertThat(schedule.decayStart()).isEqualTo(800);
        assertThat(schedule.at(0)).isCloseTo(2e-4, within(TOLERANCE));
        assertThat(schedule.at(4)).isCloseTo(1e-3, within(TOLERANCE));
        assertThat(schedule.at(5)).isEqualTo(1e-3);
        assertThat(schedule.at(799)).isEqualTo(1e-3);
        assertThat(schedule.at(800)).isCloseTo(1e-3, within(TOLERANCE));
        assertThat(schedule.at(900)).isCloseTo(5e-4, within(TOLERANCE));
        assertThat(schedule.at(950)).isCloseTo(2.5e-4, within(TOLERANCE));
        assertThat(schedule.at(1000)).isEqualTo(0.0);
        assertThat(schedule.at(2000)).isEqualTo(0.0);
    }

    @Test
    void refusesInconsistentSettings() {
        assertThatThrownBy(() -> LrSchedule.cosine(10, 10, 1e-3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need 0 <= warmup < total steps, got warmup 10 and total 10");
        assertThatThrownBy(() -> LrSchedule.cosine(0, 10, 1e-4, 1e-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min <= peak");
        assertThatThrownBy(() -> LrSchedule.warmupStableDecay(0, 10, 1.5, 1e-3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decay fraction");
        assertThatThrownBy(() -> LrSchedule.warmupStableDecay(50, 100, 0.6, 1e-3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would start before the warmup");
        assertThatThrownBy(() -> LrSchedule.constant(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite number");
    }

    @Test
    void recordsDescribeThemselves() {
        assertThat(LrSchedule.cosine(10, 110, 1e-3, 1e-4))
                .hasToString("Cosine[warmup=10, total=110, peak=0.001, min=1.0E-4]");
    }
}
