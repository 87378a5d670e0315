package org.dlm4j.kernels;

import java.util.concurrent.atomic.LongAdder;

/**
 * A process-wide count of the floating-point operations done by the matrix products: the public
 * entry points of {@link Matmul} and the {@link Attention} kernel report here. Off by default, so
 * ordinary runs pay one volatile read per product.
 *
 * <p>Convention: a multiply-add is 2 FLOPs, so a product c(m,n) = a(m,k)·b(k,n) counts 2·m·k·n
 * (whether or not it accumulates into c). Attention counts its two products per (batch, head):
 * the scores q·kᵀ and the weighted sum p·v, 2·hs FLOPs per (query, key) pair each, over the pairs
 * the kernel actually visits (i ≥ j when causal, all pairs otherwise); its backward counts four such
 * products (dv, dp, dq, dk). Softmax, scaling, LayerNorm, GELU, bias and residual adds, rotary
 * position embeddings ({@link Rope}), embeddings, cross-entropy and the optimizer are not counted:
 * they are O(T·C) per layer against the products' O(T·C²), and {@code org.dlm4j.eval.Flops} leaves
 * them out the same way.
 *
 * <p>A {@link LongAdder} keeps the count right when {@link Parallel} threads report at once.
 */
public final class FlopCounter {
    private static final LongAdder COUNT = new LongAdder();
    private static volatile boolean enabled;

    private FlopCounter() {
    }

    /** Starts counting (the count is kept, see {@link #reset()}). */
    public static void enable() {
        enabled = true;
    }

    /** Stops counting; the count so far is kept. */
    public static void disable() {
        enabled = false;
    }

    public static boolean isEnabled() {
        return enabled;
    }

    /** Sets the count to zero. */
    public static void reset() {
        COUNT.reset();
    }

    /** The FLOPs counted since the last {@link #reset()}. */
    public static long get() {
        return COUNT.sum();
    }

    /** Adds {@code flops} when counting is on. */
    public static void add(long flops) {
        if (enabled) {
            COUNT.add(flops);
        }
    }

    /** Reports {@code batch} products of (m,k)·(k,n): 2·batch·m·k·n FLOPs. */
    public static void matmul(int batch, int m, int k, int n) {
        if (enabled) {
            COUNT.add(2L * batch * m * k * n);
        }
    }

    /**
     * Reports {@code products} attention products (2 in forward, 4 in backward), each 2·hs FLOPs per
     * visited (query, key) pair per head: 2·products·C·pairs·B with pairs = T(T+1)/2 causal, T² not.
     */
    public static void attention(int products, int batch, int time, int channels, boolean causal) {
        if (enabled) {
            long t = time;
            long pairs = causal ? t * (t + 1) / 2 : t * t;
            COUNT.add(2L * products * batch * channels * pairs);
        }
    }
}
