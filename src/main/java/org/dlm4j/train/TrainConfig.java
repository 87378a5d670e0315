package org.dlm4j.train;

import java.util.Objects;

import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.ObjectiveOptions;

/**
 * Everything that decides a training run's numbers; two runs with equal configs (and equal data)
 * produce the same loss trajectory bit for bit, on any thread count. A checkpoint stores it, and
 * resuming refuses a different one. Thread count, output folder and progress display are not part
 * of it: they do not change the numbers.
 *
 * <p>Budget: a run takes {@code steps} optimizer steps of {@code batchSize} windows of T =
 * {@code model.contextLength()} tokens, so it trains on M = {@link #totalTokens()} = steps · B · T
 * tokens, of which only the first U = {@code uniqueTokens} of the training file are ever used
 * (epochs = M / U; see {@link org.dlm4j.data.DataConstrainedSampler}).
 *
 * @param objective          "ar" or "diffusion" (see {@link org.dlm4j.objective.Objectives})
 * @param objectiveOptions   the objective's knobs (AR input masking, diffusion loss variant, ...);
 *                           the mask id is set from the data by {@link #forData}
 * @param model              the transformer; its vocabulary must match the data and its causal
 *                           flag the objective (see {@link #forData} and {@link TrainPresets})
 * @param batchSize          B, windows per optimizer step
 * @param steps              optimizer steps in the whole run
 * @param uniqueTokens       U, tokens from the start of train.bin the run may use; 0 means "as many
 *                           as the budget can see once": min(train tokens, M), fixed by {@link #forData}
 * @param lr                 peak learning rate
 * @param minLr              learning rate at the end of the decay
 * @param warmupSteps        linear warmup steps
 * @param schedule           "cosine" (decay over the whole run) or "wsd" (warmup, stable, decay)
 * @param decayFraction      for "wsd": the last fraction of steps that decays to {@code minLr}
 * @param weightDecay        AdamW decoupled weight decay, applied to matrices only
 * @param beta1              AdamW first-moment decay
 * @param beta2              AdamW second-moment decay
 * @param adamEps            AdamW epsilon
 * @param gradClip           clip the global gradient norm to this (0 disables clipping)
 * @param evalInterval       validate every this many steps (and at step 0 and at the end)
 * @param evalBatches        at most this many validation batches of B windows per validation
 * @param checkpointInterval write a checkpoint every this many steps (and at the end)
 * @param seed               seeds weights, data order, masks and dropout
 */
public record TrainConfig(
        String objective,
        ObjectiveOptions objectiveOptions,
        TransformerConfig model,
        int batchSize,
        long steps,
        long uniqueTokens,
        double lr,
        double minLr,
        long warmupSteps,
        String schedule,
        double decayFraction,
        double weightDecay,
        double beta1,
        double beta2,
        double adamEps,
        double gradClip,
        int evalInterval,
        int evalBatches,
        int checkpointInterval,
        long seed) {

    public static final String COSINE = "cosine";
    public static final String WSD = "wsd";

    public TrainConfig {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(objectiveOptions, "objective options");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(schedule, "schedule");
        requirePositive("batch_size", batchSize);
        requirePositive("steps", steps);
        requirePositive("eval_interval", evalInterval);
        requirePositive("eval_batches", evalBatches);
        requirePositive("checkpoint_interval", checkpointInterval);
        if (uniqueTokens < 0) {
            throw new IllegalArgumentException("unique_tokens must be >= 0 (0: all that the budget can use), got "
                    + uniqueTokens);
        }
        if (!schedule.equals(COSINE) && !schedule.equals(WSD)) {
            throw new IllegalArgumentException("unknown schedule '" + schedule + "' (known: cosine, wsd)");
        }
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("grad_clip must be a finite number >= 0, got " + gradClip);
        }
        if (totalTokensOf(steps, batchSize, model.contextLength()) < 0) {
            throw new IllegalArgumentException("steps x batch_size x context_length overflows: " + steps + " x "
                    + batchSize + " x " + model.contextLength());
        }
        // The schedule and the optimizer check their own numbers; build them once so a bad value fails here.
        schedule(schedule, warmupSteps, steps, decayFraction, lr, minLr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(adamEps > 0) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("need adam_eps > 0 and a finite weight_decay >= 0, got " + adamEps
                    + " and " + weightDecay);
        }
    }

    /** T, tokens per window. */
    public int contextLength() {
        return model.contextLength();
    }

    /** M = steps · B · T, the training budget in tokens. */
    public long totalTokens() {
        return totalTokensOf(steps, batchSize, model.contextLength());
    }

    /** The learning rate schedule this config names. */
    public LrSchedule lrSchedule() {
        return schedule(schedule, warmupSteps, steps, decayFraction, lr, minLr);
    }

    /**
     * This config made concrete for a dataset: the model's vocabulary and the objective's mask id
     * set to the data's, the model's causal flag set to what the objective needs, and U = 0
     * replaced by min(train tokens, M).
     */
    public TrainConfig forData(int vocabSize, int maskId, long trainTokens, boolean causal) {
        TransformerConfig m = model;
        TransformerConfig concrete = new TransformerConfig(vocabSize, m.contextLength(), m.dModel(), m.numLayers(),
                m.numHeads(), m.mlpRatio(), m.dropout(), causal, m.bias(), m.tiedHead(), m.positions());
        ObjectiveOptions o = objectiveOptions;
        ObjectiveOptions options = new ObjectiveOptions(maskId, o.inputMaskRatio(), o.variant(), o.stratified(),
                o.randomLengthFraction());
        long unique = uniqueTokens == 0 ? Math.min(trainTokens, totalTokens()) : uniqueTokens;
        return new TrainConfig(objective, options, concrete, batchSize, steps, unique, lr, minLr,
                warmupSteps, schedule, decayFraction, weightDecay, beta1, beta2, adamEps, gradClip, evalInterval,
                evalBatches, checkpointInterval, seed);
    }

    private static long totalTokensOf(long steps, int batchSize, int contextLength) {
        try {
            return Math.multiplyExact(Math.multiplyExact(steps, (long) batchSize), (long) contextLength);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static LrSchedule schedule(String name, long warmup, long total, double decayFraction, double peak,
                                       double min) {
        return name.equals(WSD)
                ? LrSchedule.warmupStableDecay(warmup, total, decayFraction, peak, min)
                : LrSchedule.cosine(warmup, total, peak, min);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
