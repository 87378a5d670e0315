package org.dlm4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.kernels.KernelMode;
import org.dlm4j.kernels.Parallel;

/**
 * A per-thread pool of float arrays that ops draw their outputs, saved values and intermediate
 * gradients from while a workspace scope is open, so that a training loop does not allocate (and
 * the garbage collector does not sweep) hundreds of megabytes per step.
 * <pre>
 *   try (var step = Tensor.workspace()) {
 *       Tensor loss = objective.loss(model, ...);    // every op result comes from the pool
 *       float value = loss.item();                   // read what you need inside the scope
 *       loss.backward();                             // intermediate grads too; leaf grads never
 *       optimizer.step(lr);
 *   }                                                // every array lent in the scope goes back
 * </pre>
 * Contract: while a scope is open, an array is lent to at most one tensor (arrays are taken off
 * the free lists and only returned when the scope closes), so live buffers never alias; every
 * lent array is zero-filled, exactly like {@code new float[n]} (except for outputs that the op's
 * kernel overwrites completely, see {@link #overwritten}), so results are bit-identical with and
 * without a workspace. After {@link #close()} the tensors made inside the scope must not be
 * read: their arrays are handed to the next scope. Leaves ({@link Tensor#of}, {@link Tensor#zeros},
 * parameters and their gradients, {@link Tensor#detach()}) never come from the pool. Arrays below
 * {@link #MIN_POOLED} floats are allocated normally (the JVM's thread-local allocation is cheaper
 * than the bookkeeping). Scopes nest: an inner scope is part of the outer one.
 *
 * <p>The free lists are keyed by length and kept per thread for the next scope (one training step
 * needs the same lengths as the previous one); {@link #releaseCached()} drops them.
 */
public final class Workspace implements AutoCloseable {
    /** Arrays shorter than this are not pooled. */
    static final int MIN_POOLED = 1024;
    /** Zero-filling is shared out over the kernel pool in chunks of at least this many floats. */
    private static final int ZERO_CHUNK = 1 << 16;

    private static final ThreadLocal<Workspace> ACTIVE = new ThreadLocal<>();
    private static final ThreadLocal<Map<Integer, ArrayDeque<float[]>>> FREE = ThreadLocal.withInitial(HashMap::new);

    private final List<float[]> lent = new ArrayList<>();
    private final boolean owner;
    private boolean closed;

    private Workspace(boolean owner) {
        this.owner = owner;
    }

    /** Opens a scope on this thread (nested: a scope that closes nothing). */
    static Workspace open() {
        if (ACTIVE.get() != null) {
            return new Workspace(false);
        }
        Workspace workspace = new Workspace(true);
        ACTIVE.set(workspace);
        return workspace;
    }

    /** A zero-filled array of length n: from the open scope's pool, or new when none is open. */
    static float[] floats(int n) {
        Workspace active = ACTIVE.get();
        if (active == null || n < MIN_POOLED) {
            return new float[n];
        }
        return active.take(n, true);
    }

    /**
     * Like {@link #floats} for an output that the op's kernel writes completely (every element,
     * whatever the inputs): a pooled array is then handed out as it is, without zero-filling.
     * {@code WorkspaceTest} checks that pooled steps still give the unpooled bits.
     */
    static float[] overwritten(int n) {
        Workspace active = ACTIVE.get();
        if (active == null || n < MIN_POOLED) {
            return new float[n];
        }
        return active.take(n, false);
    }

    /** Whether a workspace scope is open on this thread. */
    public static boolean isOpen() {
        return ACTIVE.get() != null;
    }

    /** Drops this thread's cached free arrays (e.g. after training, or before a different model size). */
    public static void releaseCached() {
        FREE.get().clear();
    }

    /** How many arrays this thread's pool holds for the next scope. */
    public static int cachedArrays() {
        return FREE.get().values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private float[] take(int n, boolean zero) {
        ArrayDeque<float[]> free = FREE.get().get(n);
        float[] array = free == null ? null : free.poll();
        if (array == null) {
            array = new float[n];
        } else if (zero && KernelMode.fast()) {
            float[] target = array;
            Parallel.forRange(n, ZERO_CHUNK, (start, end) -> Arrays.fill(target, start, end, 0f));
        } else if (zero) {
            Arrays.fill(array, 0f);                  // reference mode runs on the calling thread alone
        }
        lent.add(array);
        return array;
    }

    /** Returns every array lent in this scope to the free lists. */
    @Override
    public void close() {
        if (closed || !owner) {
            closed = true;
            return;
        }
        closed = true;
        Map<Integer, ArrayDeque<float[]>> free = FREE.get();
        for (float[] array : lent) {
            free.computeIfAbsent(array.length, length -> new ArrayDeque<>()).push(array);
        }
        lent.clear();
        ACTIVE.remove();
    }
}
