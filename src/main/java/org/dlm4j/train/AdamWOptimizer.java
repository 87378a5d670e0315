package org.dlm4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.kernels.AdamW;
import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.GradNorm;
import org.dlm4j.nn.Module;
import org.dlm4j.nn.Parameter;

/**
 * AdamW (decoupled weight decay, PyTorch's {@code torch.optim.AdamW} order of operations, see
 * {@link AdamW}) over a module's {@link Module#namedParameters()}.
 *
 * <p>Weight decay is applied only where {@link Parameter#weightDecay()} says so (matrices: linear
 * and embedding weights); biases and LayerNorm gains get the plain Adam step, as in GPT-2/nanoGPT.
 * Each parameter has a first moment {@code m} and second moment {@code v} of its own shape,
 * starting at zero; the step count t starts at 0 and the first update uses t = 1.
 *
 * <p>A parameter whose gradient is null (it took no part in the graph) is skipped entirely, as
 * PyTorch skips a {@code None} grad: its m, v and value stay as they are.
 *
 * <p>State names for checkpoints: {@code m.<parameter name>} and {@code v.<parameter name>}; the
 * step count is stored separately (see {@link Checkpoint}).
 */
public final class AdamWOptimizer implements Optimizer {

    /** Added to the norm before dividing, as PyTorch's {@code clip_grad_norm_} does, so a zero norm is safe. */
    private static final double CLIP_EPS = 1e-6;

    private final LinkedHashMap<String, Parameter> parameters;
    private final Map<String, float[]> firstMoments = new LinkedHashMap<>();
    private final Map<String, float[]> secondMoments = new LinkedHashMap<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long stepCount;

    /**
     * @param module      whose parameters to optimize
     * @param beta1       decay of the first moment (0.9 typical)
     * @param beta2       decay of the second moment (0.95 for transformers, 0.999 PyTorch's default)
     * @param eps         added to √v̂ in the denominator (1e-8)
     * @param weightDecay decoupled decay per unit learning rate, for decayed parameters only
     */
    public AdamWOptimizer(Module module, double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("AdamW needs eps > 0 and finite weight decay >= 0, got eps " + eps
                    + " and weight decay " + weightDecay);
        }
        this.parameters = module.namedParameters();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            firstMoments.put(entry.getKey(), new float[entry.getValue().size()]);
            secondMoments.put(entry.getKey(), new float[entry.getValue().size()]);
        }
    }

    @Override
    public void step(double lr) {
        stepCount++;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            Parameter parameter = entry.getValue();
            float[] grad = parameter.grad();
            if (grad == null) {
                continue;
            }
            double decay = parameter.weightDecay() ? weightDecay : 0.0;
            AdamW.update(parameter.data(), grad, firstMoments.get(entry.getKey()), secondMoments.get(entry.getKey()),
                    lr, beta1, beta2, eps, decay, stepCount);
        }
    }

    /**
     * Global norm over all gradients, summed in double in parameter order then element order (a
     * fixed order, so the result is the same on every run and thread count).
     */
    @Override
    public double gradNorm() {
        double sumOfSquares = 0;
        for (Parameter parameter : parameters.values()) {
            float[] grad = parameter.grad();
            if (grad == null) {
                continue;
            }
            sumOfSquares += GradNorm.sumOfSquares(grad);
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Multiplies every gradient by {@code maxNorm / (norm + 1e-6)} when that factor is below 1
     * (PyTorch's {@code clip_grad_norm_}); a non-finite norm leaves the gradients untouched so the
     * caller can see and report it. {@code maxNorm <= 0} disables clipping (the norm is still returned).
     * Returns the norm before clipping, {@link #gradNorm()}; the factor is computed in double and
     * applied as a float with {@link GradNorm#scale}; parameters without a gradient are skipped.
     */
    @Override
    @Exercise("L06.2")
    public double clipGradNorm(double maxNorm) {
        double norm = gradNorm();
        if (!(maxNorm > 0) || !Double.isFinite(norm)) {
            return norm;
        }
        double factor = maxNorm / (norm + CLIP_EPS);
        if (factor < 1) {
            float scale = (float) factor;
            for (Parameter parameter : parameters.values()) {
                float[] grad = parameter.grad();
                if (grad != null) {
                    GradNorm.scale(grad, scale);
                }
            }
        }
        return norm;
    }

    @Override
    public long stepCount() {
        return stepCount;
    }

    @Override
    public List<NamedArray> state() {
        List<NamedArray> arrays = new ArrayList<>();
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            arrays.add(new NamedArray("m." + entry.getKey(), entry.getValue().shape(), firstMoments.get(entry.getKey())));
        }
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            arrays.add(new NamedArray("v." + entry.getKey(), entry.getValue().shape(), secondMoments.get(entry.getKey())));
        }
        return arrays;
    }

    @Override
    public void loadState(Map<String, NamedArray> arrays, long stepCount) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("optimizer step count must be >= 0, got " + stepCount);
        }
        for (NamedArray expected : state()) {
            NamedArray given = arrays.get(expected.name());
            if (given == null) {
                throw new IllegalArgumentException("optimizer state has no tensor '" + expected.name() + "'");
            }
            if (!Arrays.equals(given.shape(), expected.shape())) {
                throw new IllegalArgumentException("optimizer state tensor '" + expected.name() + "' has shape "
                        + Arrays.toString(given.shape()) + ", the model needs " + Arrays.toString(expected.shape()));
            }
        }
        if (arrays.size() != 2 * parameters.size()) {
            throw new IllegalArgumentException("optimizer state has " + arrays.size() + " tensors, expected "
                    + 2 * parameters.size() + " (m.* and v.* for each parameter)");
        }
        for (NamedArray expected : state()) {
            float[] source = arrays.get(expected.name()).data();
            System.arraycopy(source, 0, expected.data(), 0, source.length);
        }
        this.stepCount = stepCount;
    }
}
