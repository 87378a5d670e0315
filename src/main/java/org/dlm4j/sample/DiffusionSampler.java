package org.dlm4j.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;

/**
 * Masked-diffusion generation: the reverse process of the absorbing-state diffusion the model was
 * trained on. The sequence starts with every position to generate set to the mask id (after a
 * prompt, or as spans inside a text); each of S steps runs the bidirectional model once over the
 * whole sequence (no cache: every token may attend to every other, and masked positions change
 * between steps) and reveals some still-masked positions:
 * <pre>
 *   for step s = 0..S-1 (see RevealSchedule for k_s and the block b_s):
 *     z = model(x)                                         (T, V)
 *     for each masked position i of block b_s (left to right):
 *       x̂_i ~ draw(z_i)           (greedy, temperature, top-k, top-p; never the mask id)
 *       c_i = p(x̂_i | x) = softmax(z_i)[x̂_i]   (low-confidence)   or   c_i ~ U(0,1)   (random)
 *     reveal the k_s positions with the largest c_i (lower position on ties): x_i = x̂_i
 * </pre>
 * The other predictions are discarded (the positions stay masked) and are predicted afresh at the
 * next step, now seeing the tokens revealed so far. After S steps no mask remains. Unmasked tokens
 * (the prompt, the text around infill spans) are never changed.
 *
 * <p>Randomness, all from the passed {@link Rng}, in this order per step and position: the token
 * draw (none when greedy), then the random confidence (only with {@link Remasking#RANDOM}).
 */
public final class DiffusionSampler {

    /** Observes each step: the sequence after it and the positions it revealed (ascending). */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, int[] tokens, int[] revealed);
    }

    private final Transformer model;
    private final int maskId;

    public DiffusionSampler(Transformer model, int maskId) {
        if (model.config().causal()) {
            throw new IllegalArgumentException("diffusion sampling needs a bidirectional (diffusion) model; this one"
                    + " has causal attention (use AR sampling)");
        }
        if (maskId < 0 || maskId >= model.config().vocabSize()) {
            throw new IllegalArgumentException("mask id " + maskId + " is outside the model's vocabulary of "
                    + model.config().vocabSize());
        }
        this.model = model;
        this.maskId = maskId;
    }

    /** {@code prompt} followed by {@code length} generated tokens. */
    public int[] generate(int[] prompt, int length, DiffusionOptions options, Rng rng) {
        if (length <= 0) {
            throw new IllegalArgumentException("the number of tokens to generate must be positive, got " + length);
        }
        int[] tokens = Arrays.copyOf(prompt, prompt.length + length);
        Arrays.fill(tokens, prompt.length, tokens.length, maskId);
        return fill(tokens, options, rng, null);
    }

    /**
     * A copy of {@code tokens} with every mask id replaced by a generated token; the other tokens are
     * kept. {@code listener} may be null.
     */
    public int[] fill(int[] tokens, DiffusionOptions options, Rng rng, StepListener listener) {
        int contextLength = model.config().contextLength();
        if (tokens.length > contextLength) {
            throw new IllegalArgumentException("the sequence of " + tokens.length
                    + " tokens (prompt + generated) exceeds the model's context of " + contextLength);
        }
        int[] x = tokens.clone();
        int[] maskedPositions = maskedPositions(x);
        RevealSchedule schedule = RevealSchedule.of(maskedPositions.length, options.steps(), options.blockLength());
        int vocab = model.config().vocabSize();
        boolean wasTraining = model.isTraining();
        model.train(false);
        try {
            for (int step = 0; step < schedule.steps(); step++) {
                float[] logits = logits(x);                                            // (T, V)
                int block = schedule.block(step);
                List<Integer> candidates = new ArrayList<>();
                for (int r = schedule.blockStart(block); r < schedule.blockEnd(block); r++) {
                    if (x[maskedPositions[r]] == maskId) {
                        candidates.add(maskedPositions[r]);
                    }
                }
                int[] predicted = new int[candidates.size()];
                double[] confidence = new double[candidates.size()];
                for (int c = 0; c < predicted.length; c++) {
                    int offset = candidates.get(c) * vocab;
                    predicted[c] = TokenSampler.sample(logits, offset, vocab, maskId, options.sampling(), rng);
                    confidence[c] = options.remasking() == Remasking.LOW_CONFIDENCE
                            ? TokenSampler.probabilities(logits, offset, vocab, maskId, 1.0)[predicted[c]]
                            : rng.nextDouble();
                }
                int[] chosen = mostConfident(confidence, schedule.reveals(step));
                int[] revealed = new int[chosen.length];
                for (int i = 0; i < chosen.length; i++) {
                    revealed[i] = candidates.get(chosen[i]);
                    x[revealed[i]] = predicted[chosen[i]];
                }
                Arrays.sort(revealed);
                if (listener != null) {
                    listener.onStep(step, x.clone(), revealed);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return x;
    }

    public int maskId() {
        return maskId;
    }

    private int[] maskedPositions(int[] x) {
        int vocab = model.config().vocabSize();
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0 || x[i] >= vocab) {
                throw new IllegalArgumentException("token id " + x[i] + " at position " + i + " is outside [0, "
                        + vocab + ")");
            }
            if (x[i] == maskId) {
                count++;
            }
        }
        int[] positions = new int[count];
        int next = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == maskId) {
                positions[next++] = i;
            }
        }
        return positions;
    }

    private float[] logits(int[] x) {
        try (var scope = Tensor.noGrad()) {
            return model.forward(x, 1, x.length, null).data();                        // (1, T, V)
        }
    }

    /**
     * Low-confidence remasking's choice: the indices of the {@code k} largest {@code confidence} values
     * (all of them when there are fewer than k), largest first; equal confidences go to the lower index.
     */
    @Exercise("L11.2")
    static int[] mostConfident(double[] confidence, int k) {
        Integer[] order = new Integer[confidence.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> confidence[a] != confidence[b] ? Double.compare(confidence[b], confidence[a])
                : Integer.compare(a, b));
        int[] chosen = new int[Math.min(k, order.length)];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = order[i];
        }
        return chosen;
    }
}
