package org.dlm4j.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What a training run shows while it runs. On a terminal one line is redrawn in place (carriage
 * return) with a bar, tokens/s, ETA and the loss; otherwise (a log file, a pipe, a test) plain
 * lines are printed every {@code printEvery} steps. Validation results always get their own line.
 */
public final class Progress {

    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final long printEvery;
    private boolean lineOpen;

    /**
     * @param out        where to print
     * @param terminal   redraw one line in place (true on an interactive console)
     * @param printEvery plain mode: print every this many steps (and the last)
     */
    public Progress(PrintWriter out, boolean terminal, long printEvery) {
        if (printEvery <= 0) {
            throw new IllegalArgumentException("print interval must be positive, got " + printEvery);
        }
        this.out = out;
        this.terminal = terminal;
        this.printEvery = printEvery;
    }

    /** Prints nothing at all (library use). */
    public static Progress silent() {
        return new Progress(new PrintWriter(PrintWriter.nullWriter()), false, Long.MAX_VALUE);
    }

    void message(String text) {
        endLine();
        out.println(text);
        out.flush();
    }

    /** After optimizer step {@code step} of {@code totalSteps}. */
    void step(long step, long totalSteps, double loss, double lr, double tokensPerSecond, double etaSeconds) {
        if (terminal) {
            int filled = (int) (BAR_WIDTH * step / totalSteps);
            out.print(String.format(Locale.ROOT, "\r[%s%s] step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  ETA %s ",
                    "=".repeat(filled), " ".repeat(BAR_WIDTH - filled), step, totalSteps, loss, lr, tokensPerSecond,
                    duration(etaSeconds)));
            out.flush();
            lineOpen = true;
        } else if (step % printEvery == 0 || step == totalSteps) {
            out.println(String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  ETA %s", step,
                    totalSteps, loss, lr, tokensPerSecond, duration(etaSeconds)));
            out.flush();
        }
    }

    void validation(long step, double valLoss) {
        message(String.format(Locale.ROOT, "step %d  val loss %.4f", step, valLoss));
    }

    void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : s + "s";
    }
}
