package org.dlm4j.kernels;

/**
 * Which implementation the kernels run: the readable {@link #REFERENCE} loops or the {@link #FAST}
 * variants (Vector API, {@link Parallel} pool). Both compute the same function; tests compare them.
 *
 * <p>The default is {@code FAST}; {@code -Ddlm4j.kernels=reference} or {@link #set} forces the
 * reference loops, e.g. to debug a kernel or to teach from it.
 */
public enum KernelMode {
    REFERENCE,
    FAST;

    private static volatile KernelMode current =
            "reference".equalsIgnoreCase(System.getProperty("dlm4j.kernels")) ? REFERENCE : FAST;

    public static KernelMode current() {
        return current;
    }

    public static void set(KernelMode mode) {
        current = mode;
    }

    public static boolean fast() {
        return current == FAST;
    }
}
