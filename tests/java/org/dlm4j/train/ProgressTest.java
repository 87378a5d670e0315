package org.dlm4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void plainModePrintsEveryNthStepAndTheLast() {
        var text = new StringWriter();
        var progress = new Progress(new PrintWriter(text), false, 2);
        for (long step = 1; step <= 5; step++) {
            progress.step(step, 5, 1.5, 1e-3, 1000, 10);
        }
        progress.validation(5, 1.25);
        assertThat(text.toString().lines()).containsExactly(
                "step 2/5  loss 1.5000  lr 1.00e-03  1000 tok/s  ETA 10s",
                "step 4/5  loss 1.5000  lr 1.00e-03  1000 tok/s  ETA 10s",
                "step 5/5  loss 1.5000  lr 1.00e-03  1000 tok/s  ETA 10s",
                "step 5  val loss 1.2500");
    }

    @Test
    void terminalModeRedrawsOneLineWithABar() {
        var text = new StringWriter();
        var progress = new Progress(new PrintWriter(text), true, 1);
        progress.step(1, 2, 2.0, 1e-3, 500, 75);
        progress.step(2, 2, 1.0, 1e-3, 500, 0);
        progress.endLine();
        assertThat(text.toString()).startsWith("\r[" + "=".repeat(12) + " ".repeat(12) + "] step 1/2")
                .contains("ETA 1m15s").contains("\r[" + "=".repeat(24) + "] step 2/2").endsWith("\n")
                .doesNotContain("\n\r");
    }

    @Test
    void durationsAreShort() {
        assertThat(Progress.duration(59)).isEqualTo("59s");
        assertThat(Progress.duration(3 * 3600 + 120)).isEqualTo("3h02m");
        assertThat(Progress.duration(Double.NaN)).isEqualTo("?");
    }
}
