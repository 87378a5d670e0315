package org.dlm4j.objective;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;

/**
 * Everything an objective's loss reads besides the weights, drawn on the host exactly as
 * {@link Objective#loss} draws it, for an engine that runs the model elsewhere (a GPU through
 * {@code org.dlm4j.device}):
 * <pre>
 *   loss = sum_n weights[n] * CE(logits(inputs)_n, targets[n]) / normaliser
 * </pre>
 * over the B x T positions n = b*T + t. Rows are always T long: when diffusion cuts a batch to a
 * random length L' &lt; T ({@link #usedLength}), positions t &ge; L' keep the window's clean tokens
 * and weight 0, and the model must attend only to keys t &lt; L' (the engine's valid length); then
 * every position the CPU computes is computed the same way, and the rest add exact zeros to every
 * gradient.
 *
 * <p>The random draws happen in the objective's order from the same {@link Rng}, so the same seed
 * and step give the same masks as the CPU path: AR's input-mask draws, or diffusion's length coin,
 * length, noise levels and masks; then one dropout seed per Dropout call of
 * {@link Transformer#forward} (embedding, then attention and MLP of each block), drawn whether or
 * not dropout is active, as {@link org.dlm4j.nn.Dropout} does.
 *
 * @param batchSize    B
 * @param length       T, the row length of every array
 * @param usedLength   L' &le; T, the positions the loss covers and attention may read
 * @param inputs       (B, T) the token ids the model reads (masked for diffusion and AR input masking)
 * @param targets      (B, T) the ids to predict
 * @param weights      (B, T) the cross-entropy weight of each position (0 where it does not count)
 * @param normaliser   N, what the weighted sum is divided by
 * @param dropoutSeeds 1 + 2 * numLayers seeds, in the model's order of Dropout calls (empty in evaluation)
 * @param tokens       the tokens the loss counts (B*T or B*L'), as {@link Loss#tokens()}
 */
public record LossInputs(int batchSize, int length, int usedLength, int[] inputs, int[] targets, float[] weights,
                         float normaliser, long[] dropoutSeeds, double tokens) {

    /**
     * The inputs of {@code objective.loss(model, windows, B, T, rng)}, drawing from {@code rng} as it does,
     * in its order: AR's shift with its input-mask draws; or diffusion's length coin and length (only when
     * its random-length fraction is above 0), then its mask ({@link MaskedDiffusion#drawMask}); then the
     * 1 + 2 * numLayers dropout seeds, one {@code rng.nextLong()} each.
     */
    @Exercise("L14.2")
    public static LossInputs training(Objective objective, int numLayers, int[] windows, int batchSize, int length,
                                      Rng rng) {
        Windows.check(windows, batchSize, length);
        LossInputs inputs = switch (objective) {
            case Autoregressive ar -> autoregressive(ar, windows, batchSize, length, ar.inputMaskRatio(), rng);
            case MaskedDiffusion diffusion -> {
                int used = length;
                if (diffusion.randomLengthFraction() > 0 && rng.nextDouble() < diffusion.randomLengthFraction()) {
                    used = 1 + rng.nextInt(length);
                }
                yield diffusion(diffusion, windows, batchSize, length, used, diffusion.drawMask(batchSize, used, rng));
            }
            default -> throw new IllegalArgumentException("no device inputs for objective " + objective.name());
        };
        long[] seeds = new long[1 + 2 * numLayers];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = rng.nextLong();
        }
        return new LossInputs(batchSize, length, inputs.usedLength, inputs.inputs, inputs.targets, inputs.weights,
                inputs.normaliser, seeds, inputs.tokens);
    }

    /**
     * The inputs of {@code objective.evaluate(model, windows, B, T, rng)}: no input masking, the full
     * length, diffusion's mask drawn from {@code rng}; no dropout seeds.
     */
    public static LossInputs evaluation(Objective objective, int[] windows, int batchSize, int length, Rng rng) {
        Windows.check(windows, batchSize, length);
        return switch (objective) {
            case Autoregressive ar -> autoregressive(ar, windows, batchSize, length, 0, null);
            case MaskedDiffusion diffusion -> diffusion(diffusion, windows, batchSize, length, length,
                    diffusion.drawMask(batchSize, length, rng));
            default -> throw new IllegalArgumentException("no device inputs for objective " + objective.name());
        };
    }

    private static LossInputs autoregressive(Autoregressive ar, int[] windows, int batchSize, int length,
                                             double ratio, Rng rng) {
        Autoregressive.Batch batch = ar.shift(windows, batchSize, length, ratio, rng);
        float[] weights = new float[batchSize * length];
        java.util.Arrays.fill(weights, 1f);
        return new LossInputs(batchSize, length, length, batch.inputs(), batch.targets(), weights,
                (float) (batchSize * length), new long[0], (double) batchSize * length);
    }

    /** x0 = each row's first {@code used} tokens, noised by {@code sample}, padded to T with clean tokens. */
    private static LossInputs diffusion(MaskedDiffusion diffusion, int[] windows, int batchSize, int length, int used,
                                        MaskSample sample) {
        int[] x0 = Windows.prefix(windows, batchSize, length, used);   // (B, L')
        int[] noisy = sample.noisyInput(x0, diffusion.maskId());       // (B, L')
        float[] usedWeights = sample.tokenWeights();                   // (B, L')
        int[] inputs = Windows.prefix(windows, batchSize, length, length);
        int[] targets = inputs.clone();
        float[] weights = new float[batchSize * length];
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(noisy, b * used, inputs, b * length, used);
            System.arraycopy(usedWeights, b * used, weights, b * length, used);
        }
        return new LossInputs(batchSize, length, used, inputs, targets, weights, (float) sample.normaliser(),
                new long[0], (double) batchSize * used);
    }
}
