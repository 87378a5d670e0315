package org.dlm4j.objective;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;

/**
 * Next-token prediction: a causal model reads x_0..x_{T-1} and predicts x_1..x_T.
 * <pre>
 *   loss = (1 / (B*T)) sum_{b,t} -log p(x_{b,t+1} | x_{b,0..t})
 * </pre>
 * the exact mean NLL per token, also what {@link #evaluate} returns.
 *
 * <p>Input masking (the paper's AR ablation): with {@code inputMaskRatio} p > 0, each INPUT token
 * is independently replaced by the mask id with probability p (one {@code nextDouble} per input
 * token, row by row); the targets stay the clean tokens. It is a noise regulariser for AR; it is
 * applied in training only, never in {@link #evaluate}.
 *
 * <p>Draw order from the rng: the input-mask draws (when p > 0), then the model's dropout seeds.
 */
public final class Autoregressive implements Objective {
    public static final String NAME = "ar";

    private final int maskId;
    private final double inputMaskRatio;

    /** {@code maskId} may be {@link ObjectiveOptions#NO_MASK} when {@code inputMaskRatio} is 0. */
    public Autoregressive(int maskId, double inputMaskRatio) {
        if (!(inputMaskRatio >= 0 && inputMaskRatio < 1)) {
            throw new IllegalArgumentException("inputMaskRatio must be in [0, 1), got " + inputMaskRatio);
        }
        if (inputMaskRatio > 0 && maskId < 0) {
            throw new IllegalArgumentException("AR input masking (ratio " + inputMaskRatio + ") needs a mask id >= 0");
        }
        this.maskId = maskId;
        this.inputMaskRatio = inputMaskRatio;
    }

    /** Inputs (B, T) and targets (B, T) of one batch, row by row. */
    public record Batch(int[] inputs, int[] targets) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean causal() {
        return true;
    }

    public double inputMaskRatio() {
        return inputMaskRatio;
    }

    /** The id that replaces masked input tokens ({@link ObjectiveOptions#NO_MASK} when there is none). */
    public int maskId() {
        return maskId;
    }

    /**
     * Splits windows (B, T+1) into inputs windows[:, 0..T-1] and targets windows[:, 1..T] (both
     * (B, T), row by row), after checking the windows ({@code Windows.check}). Then, when {@code ratio}
     * is above 0, each input token, row by row, is replaced by the mask id when
     * {@code rng.nextDouble() < ratio} (one draw per input token; rng may be null when ratio is 0). The
     * targets always stay the clean tokens.
     */
    @Exercise("L08.1")
    public Batch shift(int[] windows, int batchSize, int length, double ratio, Rng rng) {
        Windows.check(windows, batchSize, length);
        int[] inputs = Windows.prefix(windows, batchSize, length, length);
        int[] targets = new int[batchSize * length];
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(windows, b * (length + 1) + 1, targets, b * length, length);
        }
        if (ratio > 0) {
            for (int i = 0; i < inputs.length; i++) {
                if (rng.nextDouble() < ratio) {
                    inputs[i] = maskId;
                }
            }
        }
        return new Batch(inputs, targets);
    }

    /**
     * The training loss of windows (B, T+1): check the model ({@code checkModel}), shift with this
     * objective's input-mask ratio (drawing from {@code rng}), run the model on the inputs with
     * {@code rng} for dropout, and take the mean cross-entropy of the logits against the targets over all
     * B·T positions. The {@link Loss} counts B·T tokens.
     */
    @Override
    @Exercise("L08.2")
    public Loss loss(Transformer model, int[] windows, int batchSize, int length, Rng rng) {
        checkModel(model);
        Batch batch = shift(windows, batchSize, length, inputMaskRatio, rng);
        Tensor logits = model.forward(batch.inputs(), batchSize, length, rng);                  // (B, T, V)
        Tensor value = logits.crossEntropy(batch.targets(), null, (float) batch.targets().length); // scalar
        return new Loss(value, batch.targets().length);
    }

    /**
     * The exact mean NLL per token of windows (B, T+1): as {@link #loss} but in evaluation mode (no
     * dropout; the model's previous mode is restored afterwards, also after an exception), without a
     * graph ({@link Tensor#noGrad()}), and without input masking. {@code rng} is not used.
     */
    @Override
    @Exercise("L08.3")
    public double evaluate(Transformer model, int[] windows, int batchSize, int length, Rng rng) {
        checkModel(model);
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var scope = Tensor.noGrad()) {
            Batch batch = shift(windows, batchSize, length, 0, null);
            Tensor logits = model.forward(batch.inputs(), batchSize, length, null);              // (B, T, V)
            return logits.crossEntropy(batch.targets(), null, (float) batch.targets().length).item();
        } finally {
            model.train(wasTraining);
        }
    }

    private void checkModel(Transformer model) {
        if (!model.config().causal()) {
            throw new IllegalArgumentException("the AR objective needs a causal model (config causal=true)");
        }
        if (inputMaskRatio > 0 && maskId >= model.config().vocabSize()) {
            throw new IllegalArgumentException("mask id " + maskId + " must be < vocabSize " + model.config().vocabSize());
        }
    }
}
