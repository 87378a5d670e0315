package org.dlm4j.exercise;

import java.util.Arrays;
import java.util.Locale;

import org.opentest4j.AssertionFailedError;

/**
 * Assertions whose failure messages are written for a student: what was compared, how many values are
 * wrong, the index of the largest difference (per axis when a shape is given) with the expected and
 * the computed value there, and a hint about the likely mistake. The {@link LessonExtension} puts the
 * exercise and its handout in front.
 *
 * <p>Closeness is numpy's rule: {@code |got - expected| <= atol + rtol * |expected|}; NaN never matches.
 */
public final class Expect {
    private Expect() {
    }

    /** {@code got} equals {@code expected} element by element within the tolerance. */
    public static void close(String what, float[] expected, float[] got, double atol, double rtol, String hint,
                             int... shape) {
        String problem = difference(what, expected, got, atol, rtol, shape);
        if (problem != null) {
            throw new AssertionFailedError(withHint(problem, hint), Arrays.toString(expected), Arrays.toString(got));
        }
    }

    /**
     * {@code got} is {@code before + added}: a backward pass adds its gradient into arrays that may already
     * hold some. When {@code got} equals {@code added} alone, the message says that the array was overwritten.
     */
    public static void accumulated(String what, float[] before, float[] added, float[] got, double atol, double rtol,
                                   String hint) {
        float[] expected = new float[before.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = before[i] + added[i];
        }
        String problem = difference(what, expected, got, atol, rtol);
        if (problem == null) {
            return;
        }
        if (difference(what, added, got, atol, rtol) == null) {
            problem = what + " lost what it held before: the array was overwritten (=) where the gradient must be"
                    + " added (+=). A tensor that feeds several ops receives gradient from each of them, so every"
                    + " backward pass adds into the arrays it is given.";
        }
        throw new AssertionFailedError(withHint(problem, hint), Arrays.toString(expected), Arrays.toString(got));
    }

    /** {@code got} equals {@code expected} exactly. */
    public static void equal(String what, int[] expected, int[] got, String hint) {
        if (Arrays.equals(expected, got)) {
            return;
        }
        String problem;
        if (got == null || got.length != expected.length) {
            problem = what + ": expected " + expected.length + " values, got "
                    + (got == null ? "null" : got.length + " " + preview(got));
        } else {
            int i = Arrays.mismatch(expected, got);
            problem = what + ": first difference at index " + i + ": expected " + expected[i] + ", got " + got[i]
                    + "\n  expected " + preview(expected) + "\n  got      " + preview(got);
        }
        throw new AssertionFailedError(withHint(problem, hint), Arrays.toString(expected), Arrays.toString(got));
    }

    /** A single number within {@code |got - expected| <= tolerance}. */
    public static void close(String what, double expected, double got, double tolerance, String hint) {
        if (!(Math.abs(got - expected) <= tolerance)) {
            throw new AssertionFailedError(withHint(String.format(Locale.ROOT,
                    "%s: expected %.7g, got %.7g (allowed difference %.2g)", what, expected, got, tolerance), hint),
                    expected, got);
        }
    }

    /**
     * {@code action} refuses its input with an {@link IllegalArgumentException}, which is returned. A stub's
     * {@link UnsolvedExerciseException} passes through unchanged; anything else fails.
     */
    public static IllegalArgumentException refuses(String what, Runnable action, String hint) {
        try {
            action.run();
        } catch (IllegalArgumentException expected) {
            return expected;
        } catch (UnsolvedExerciseException stub) {
            throw stub;
        } catch (RuntimeException other) {
            throw new AssertionFailedError(withHint(what + ": expected an IllegalArgumentException, got " + other, hint),
                    other);
        }
        throw new AssertionFailedError(withHint(what + ": expected an IllegalArgumentException, but the call returned"
                + " normally", hint));
    }

    /** A condition that must hold, with the reason when it does not. */
    public static void that(boolean condition, String problem, String hint) {
        if (!condition) {
            throw new AssertionFailedError(withHint(problem, hint));
        }
    }

    /** Null when close; otherwise the description of what differs. */
    private static String difference(String what, float[] expected, float[] got, double atol, double rtol,
                                     int... shape) {
        if (got == null || got.length != expected.length) {
            return what + ": expected " + expected.length + " values, got " + (got == null ? "null" : got.length);
        }
        int wrong = 0;
        int worst = -1;
        double worstDifference = -1;
        for (int i = 0; i < expected.length; i++) {
            double difference = Math.abs((double) got[i] - expected[i]);
            if (Double.isNaN(difference)) {
                difference = Double.POSITIVE_INFINITY;
            }
            if (!(difference <= atol + rtol * Math.abs(expected[i]))) {
                wrong++;
            }
            if (difference > worstDifference) {
                worstDifference = difference;
                worst = i;
            }
        }
        if (wrong == 0) {
            return null;
        }
        String where = shape.length == 0 ? "index " + worst : "index " + worst + " " + Arrays.toString(unravel(worst, shape));
        return String.format(Locale.ROOT, "%s: %d of %d values are wrong; the largest difference is at %s: expected %.7g,"
                        + " got %.7g (allowed %.2g + %.2g * |expected|)%n  expected %s%n  got      %s", what, wrong,
                expected.length, where, expected[worst], got[worst], atol, rtol, preview(expected), preview(got));
    }

    private static int[] unravel(int index, int[] shape) {
        int[] at = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            at[axis] = index % shape[axis];
            index /= shape[axis];
        }
        return at;
    }

    private static String preview(float[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(values.length, 8); i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5g", values[i]));
        }
        return s.append(values.length > 8 ? ", ... (" + values.length + " values)]" : "]").toString();
    }

    private static String preview(int[] values) {
        String head = Arrays.toString(Arrays.copyOf(values, Math.min(values.length, 16)));
        return values.length > 16 ? head.substring(0, head.length() - 1) + ", ... (" + values.length + " values)]" : head;
    }

    private static String withHint(String problem, String hint) {
        return hint == null || hint.isEmpty() ? problem : problem + "\n  hint: " + hint;
    }
}
