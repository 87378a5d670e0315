package org.dlm4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;

/**
 * An n-dimensional float tensor with reverse-mode automatic differentiation.
 *
 * <p>Storage: {@link #data()} is one contiguous row-major {@code float[]} (the live array, not a
 * copy); {@link #shape()} gives the sizes (rank 0 is a scalar of size 1). {@link #reshape} returns
 * a tensor that shares this data; every other op allocates its output.
 *
 * <p>Autograd: every op builds its output and, when any input requires a gradient (and no
 * {@link #noGrad()} scope is open), records its inputs and a backward closure that ADDS the
 * output's gradient, pushed through the op, into the inputs' gradients. {@link #backward()}
 * sorts the graph topologically and runs the closures from the output back to the leaves.
 *
 * <p>Gradient rule (as PyTorch): the gradients of leaves (tensors created directly, e.g.
 * parameters, with {@code requiresGrad(true)}) ADD UP across {@code backward()} calls until
 * {@link #zeroGrad()}; the gradients of intermediate tensors are freshly zeroed at the start of
 * every {@code backward()} (and kept afterwards, so they can be inspected).
 *
 * <p>Ops are instance methods that delegate in one line to the op families:
 * {@link ElementwiseOps}, {@link ReductionOps}, {@link ShapeOps}, {@link MatmulOp}, {@link NeuralOps}.
 */
public class Tensor {
    private static final ThreadLocal<Integer> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> 0);

    private final int[] shape;
    private final float[] data;
    private float[] grad;
    private boolean requiresGrad;
    private final String op;
    private final Tensor[] parents;
    private Runnable backwardStep;

    /** A leaf tensor over {@code data} (not copied). */
    protected Tensor(float[] data, int[] shape) {
        this(data, shape, null, new Tensor[0]);
    }

    private Tensor(float[] data, int[] shape, String op, Tensor[] parents) {
        int size = checkShape(shape);
        if (data.length != size) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Arrays.toString(shape) + " needs " + size);
        }
        this.shape = shape.clone();
        this.data = data;
        this.op = op;
        this.parents = parents;
    }

    // ---- creation ----

    /** Wraps {@code data} (not copied) as a leaf of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkShape(shape)], shape);
    }

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    /** Entries drawn independently from normal(0, std^2) using {@code rng}, in row-major order. */
    public static Tensor randn(Rng rng, float std, int... shape) {
        float[] values = new float[checkShape(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * std);
        }
        return new Tensor(values, shape);
    }

    /**
     * Makes the result of an op: records {@code parents} and will run the closure given to
     * {@link #onBackward} only if some parent requires a gradient and grad mode is on.
     */
    static Tensor result(float[] data, int[] shape, String op, Tensor... parents) {
        boolean track = gradEnabled() && Arrays.stream(parents).anyMatch(Tensor::requiresGrad);
        Tensor out = new Tensor(data, shape, op, track ? parents : new Tensor[0]);
        out.requiresGrad = track;
        return out;
    }

    /** Attaches the backward closure of an op result (ignored when the result tracks no graph). */
    void onBackward(Runnable step) {
        if (requiresGrad && parents.length > 0) {
            this.backwardStep = step;
        }
    }

    // ---- workspace ----

    /**
     * Opens a {@link Workspace} scope on this thread: until it closes, op results and intermediate
     * gradients are drawn from a reusable pool instead of being allocated. Use with try-with-resources
     * around one training step; do not read tensors made inside the scope after it closes.
     */
    public static Workspace workspace() {
        return Workspace.open();
    }

    // ---- grad mode ----

    /**
     * Opens a scope (per thread, nestable) in which ops build no graph: results do not require
     * gradients. Use with try-with-resources.
     */
    public static NoGradScope noGrad() {
        NO_GRAD_DEPTH.set(NO_GRAD_DEPTH.get() + 1);
        return new NoGradScope();
    }

    /** Whether ops on this thread currently record a graph. */
    public static boolean gradEnabled() {
        return NO_GRAD_DEPTH.get() == 0;
    }

    /** The handle returned by {@link #noGrad()}; closing it ends the scope (once). */
    public static final class NoGradScope implements AutoCloseable {
        private boolean closed;

        private NoGradScope() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.set(NO_GRAD_DEPTH.get() - 1);
            }
        }
    }

    // ---- accessors ----

    public int[] shape() {
        return shape.clone();
    }

    /** Size of {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[axis(axis)];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    /** The live contiguous row-major data. */
    public float[] data() {
        return data;
    }

    /** The live gradient array, or null before any backward reached this tensor. */
    public float[] grad() {
        return grad;
    }

    /** The single value of a size-1 tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalArgumentException("item() needs a tensor of size 1, got shape " + Arrays.toString(shape));
        }
        return data[0];
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing a gradient; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (!isLeaf()) {
            throw new IllegalArgumentException("requiresGrad can only be set on a leaf, not on the result of " + op);
        }
        this.requiresGrad = value;
        return this;
    }

    /** A tensor created directly rather than by an op. */
    public boolean isLeaf() {
        return op == null;
    }

    /** The name of the op that produced this tensor, or null for a leaf. */
    public String op() {
        return op;
    }

    /** The gradient array an op's backward should add into: null when this tensor needs no gradient. */
    float[] gradSink() {
        return requiresGrad ? grad : null;
    }

    /** Sets the gradient to null, so the next backward starts it from zero. */
    public void zeroGrad() {
        grad = null;
    }

    /** A new leaf with a copy of this data and no graph. */
    public Tensor detach() {
        return new Tensor(data.clone(), shape);
    }

    /** Normalises a possibly negative axis, with a clear message when out of range. */
    public int axis(int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + Arrays.toString(shape));
        }
        return a;
    }

    // ---- backward ----

    /**
     * Back-propagates from this scalar (size-1) tensor: d(this)/d(this) = 1.
     * <ol>
     *   <li>refuse (IllegalArgumentException) a tensor that is not of size 1 or does not require grad;</li>
     *   <li>take the {@link #topologicalOrder()};</li>
     *   <li>give every tensor in it a gradient array: a leaf keeps the one it has (gradients of leaves
     *       add up across backward calls until {@link #zeroGrad()}) or gets a new zero one; every other
     *       tensor gets a fresh zero array from {@link Workspace#floats} (intermediate gradients restart
     *       at zero on every call);</li>
     *   <li>add 1 to this tensor's gradient, then run the backward step of each tensor that has one,
     *       from the last in the order to the first, so that a tensor's gradient is complete before its
     *       step pushes it on to its parents.</li>
     * </ol>
     */
    @Exercise("L03.2")
    public void backward() {
        if (data.length != 1) {
            throw new IllegalArgumentException("backward() needs a scalar output, got shape " + Arrays.toString(shape));
        }
        if (!requiresGrad) {
            throw new IllegalArgumentException("backward() on a tensor that does not require grad (no input requires grad, or built under noGrad)");
        }
        List<Tensor> order = topologicalOrder();
        for (Tensor t : order) {
            if (t.isLeaf()) {
                if (t.grad == null) {
                    t.grad = new float[t.data.length];
                }
            } else {
                t.grad = Workspace.floats(t.data.length);
            }
        }
        grad[0] += 1f;
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.backwardStep != null) {
                t.backwardStep.run();
            }
        }
    }

    /**
     * Every tensor that requires grad and is reachable from this one through {@code parents}, each
     * listed once and after all of its parents that require grad; this tensor comes last. A depth-first
     * search that adds a tensor when all its parents are done gives this order; it is written with an
     * explicit stack, because a graph can be deeper than the JVM's call stack allows recursion to go.
     */
    @Exercise("L03.1")
    List<Tensor> topologicalOrder() {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = new HashSet<>();
        Deque<Tensor> stack = new ArrayDeque<>();
        Deque<Integer> nextParent = new ArrayDeque<>();
        stack.push(this);
        nextParent.push(0);
        visited.add(this);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int p = nextParent.pop();
            if (p < t.parents.length) {
                nextParent.push(p + 1);
                Tensor parent = t.parents[p];
                if (parent.requiresGrad && visited.add(parent)) {
                    stack.push(parent);
                    nextParent.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    // ---- ops (one line each; the math lives in the op files) ----

    public Tensor add(Tensor other) {
        return ElementwiseOps.add(this, other);
    }

    public Tensor sub(Tensor other) {
        return ElementwiseOps.sub(this, other);
    }

    public Tensor mul(Tensor other) {
        return ElementwiseOps.mul(this, other);
    }

    /** Multiplies by a constant. */
    public Tensor mul(float factor) {
        return ElementwiseOps.mul(this, scalar(factor));
    }

    public Tensor div(Tensor other) {
        return ElementwiseOps.div(this, other);
    }

    public Tensor exp() {
        return ElementwiseOps.exp(this);
    }

    public Tensor log() {
        return ElementwiseOps.log(this);
    }

    public Tensor tanh() {
        return ElementwiseOps.tanh(this);
    }

    /** Sum over {@code axis}, which is removed from the shape. */
    public Tensor sum(int axis) {
        return ReductionOps.sum(this, axis);
    }

    /** Mean over {@code axis}, which is removed from the shape. */
    public Tensor mean(int axis) {
        return ReductionOps.mean(this, axis);
    }

    /** Sum of all elements, as a scalar. */
    public Tensor sum() {
        return ReductionOps.sumAll(this);
    }

    /** Mean of all elements, as a scalar. */
    public Tensor mean() {
        return ReductionOps.meanAll(this);
    }

    /** Same data, new shape (one size may be -1 and is inferred). Shares the data array. */
    public Tensor reshape(int... newShape) {
        return ShapeOps.reshape(this, newShape);
    }

    /** Swaps two axes (a copy). */
    public Tensor transpose(int axis0, int axis1) {
        return ShapeOps.transpose(this, axis0, axis1);
    }

    /** The slice [start, start + length) of {@code axis} (a copy). */
    public Tensor narrow(int axis, int start, int length) {
        return ShapeOps.narrow(this, axis, start, length);
    }

    /** Batched matrix product: (..., m, k) x (..., k, n), or (..., m, k) x (k, n) with the weight broadcast. */
    public Tensor matmul(Tensor other) {
        return MatmulOp.matmul(this, other);
    }

    /** A linear layer in PyTorch's layout: (..., in) x weight (out, in)ᵀ + bias (out); bias may be null. */
    public Tensor linear(Tensor weight, Tensor bias) {
        return MatmulOp.linear(this, weight, bias);
    }

    /** Softmax over the last axis. */
    public Tensor softmax() {
        return NeuralOps.softmax(this);
    }

    /** Log-softmax over the last axis. */
    public Tensor logSoftmax() {
        return NeuralOps.logSoftmax(this);
    }

    /** GELU, tanh form. */
    public Tensor gelu() {
        return NeuralOps.gelu(this);
    }

    /** LayerNorm over the last axis; weight and bias (C) may be null. */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) {
        return NeuralOps.layerNorm(this, weight, bias, eps);
    }

    /** Rows of this (numEmbeddings, C) table picked by {@code ids}: result shape idsShape + (C). */
    public Tensor embedding(int[] ids, int... idsShape) {
        return NeuralOps.embedding(this, ids, idsShape);
    }

    /** Multi-head attention of this (B, T, 3C) qkv projection; result (B, T, C). */
    public Tensor attention(int numHeads, boolean causal) {
        return NeuralOps.attention(this, numHeads, causal);
    }

    /**
     * Rotary position embedding of this (B, T, 3C) qkv projection: q and k of each of the
     * {@code numHeads} heads rotated for positions positionOffset .. positionOffset+T-1, v unchanged
     * (see {@link org.dlm4j.kernels.Rope}); result (B, T, 3C).
     */
    public Tensor rope(int numHeads, int positionOffset) {
        return RopeOp.rope(this, numHeads, positionOffset);
    }

    /** Inverted dropout with mask {@code Rng.hash(seed, i) < p}; identity when p == 0. */
    public Tensor dropout(float p, long seed) {
        return NeuralOps.dropout(this, p, seed);
    }

    /** Mean cross-entropy of these (N, V) logits against {@code targets}. */
    public Tensor crossEntropy(int[] targets) {
        return NeuralOps.crossEntropy(this, targets, null, targets.length);
    }

    /**
     * Scalar {@code sum_i w_i CE_i / normaliser} over the rows of these (..., V) logits;
     * {@code weights == null} means all 1; rows with weight 0 are ignored (target not read).
     */
    public Tensor crossEntropy(int[] targets, float[] weights, float normaliser) {
        return NeuralOps.crossEntropy(this, targets, weights, normaliser);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (op == null ? "" : " from " + op)
                + (requiresGrad ? " (requires grad)" : "");
    }

    static int checkShape(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return (int) size;
    }
}
