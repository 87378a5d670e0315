package org.dlm4j.objective;

import org.dlm4j.exercise.Exercise;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;

/**
 * Masked (absorbing-state) diffusion, the paper's DLM objective: a bidirectional model sees
 * x_t, the clean sequence x0 with some tokens replaced by the mask id, and predicts the masked
 * tokens; there is no shift (x0 = windows[:, 0..T-1], the window's last token is unused).
 *
 * <p>The paper's loss (variant "paper", the seed code's): per row draw t ~ U(0,1), mask each token
 * independently with probability t (if none was masked, mask one position chosen uniformly), then
 * <pre>
 *   loss = (1 / (B*L)) sum_b (L / m_b) sum_{i masked in b} -log p_theta(x0_bi | x_t,b)
 * </pre>
 * with m_b / L the fraction of row b actually masked.
 *
 * <p>Why it bounds the NLL: for absorbing-state diffusion with the linear schedule (each token
 * masked by time t with probability t), the variational bound is
 * <pre>
 *   -log p_theta(x0) &lt;= E_{t ~ U(0,1)} E_{x_t | x0} [ (1/t) sum_{i masked} -log p_theta(x0_i | x_t) ]
 * </pre>
 * (the ELBO of MDLM/LLaDA; the reverse process unmasks tokens one time step at a time and the 1/t
 * weight is the schedule's -alpha'_t / (1 - alpha_t)). Dividing by L gives nats per token. The seed
 * code replaces 1/t by the realised 1/(m_b/L), its choice rather than the textbook estimator, and
 * forces one mask so that no row is wasted. Its expectation is L/(L+1) (ELBO + h(1)) with h(1) the
 * loss of a single masked token ({@link DiffusionVariant}): within O(1/L) of the bound, usually a
 * little below it, so it is an upper bound on the NLL only approximately. The other variants make
 * other choices; LLaDA's and MDLM's estimate the bound itself (up to their eps). Either way the
 * loss is (about) an upper bound on the model's NLL per token, not the NLL itself: comparing it with
 * an AR model's exact NLL is not like for like (use the chain rule, {@code eval.Estimator}).
 *
 * <p>Noise levels: independent t_b ~ U(0,1) per row, or with {@code stratified} t_b = (b + u) / B with
 * ONE u ~ U(0,1) shared by the batch (MDLM's low-discrepancy sampler: exactly one t in each stratum
 * [b/B, (b+1)/B), lower variance, same expectation).
 *
 * <p>Random length (the seed code's trick, so the model also sees short sequences): with
 * probability {@code randomLengthFraction} a batch is cut to L' = 1 + nextInt(T), uniform in {1..T};
 * every row keeps its first L' tokens and the loss is normalised by B*L'. Evaluation always uses
 * the full length.
 *
 * <p>Draw order from the rng: the random-length coin (only when the fraction is > 0) and L' (only
 * when the coin says so); the noise levels (B doubles, or 1 when stratified); per row the mask
 * draws (paper, masked-mean, llada, mdlm: L doubles, plus one nextInt(L) when a paper row came out
 * empty; llada-eval: l_b nextInt calls of a partial Fisher-Yates shuffle); then the dropout seeds.
 */
public final class MaskedDiffusion implements Objective {
    public static final String NAME = "diffusion";

    /**
     * The eps of LLaDA's and MDLM's noise levels (both use 1e-3): they keep the weight 1/p or 1/t at
     * most 1/eps (see {@link DiffusionVariant}).
     */
    public static final double NOISE_EPS = 1e-3;

    private final int maskId;
    private final DiffusionVariant variant;
    private final boolean stratified;
    private final double randomLengthFraction;

    public MaskedDiffusion(int maskId, DiffusionVariant variant, boolean stratified, double randomLengthFraction) {
        if (maskId < 0) {
            throw new IllegalArgumentException("masked diffusion needs a mask id >= 0, got " + maskId);
        }
        if (!(randomLengthFraction >= 0 && randomLengthFraction <= 1)) {
            throw new IllegalArgumentException("randomLengthFraction must be in [0, 1], got " + randomLengthFraction);
        }
        this.maskId = maskId;
        this.variant = variant;
        this.stratified = stratified;
        this.randomLengthFraction = randomLengthFraction;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean causal() {
        return false;
    }

    public DiffusionVariant variant() {
        return variant;
    }

    public int maskId() {
        return maskId;
    }

    /** The probability that a training batch is cut to a random length (see the class comment). */
    public double randomLengthFraction() {
        return randomLengthFraction;
    }

    @Override
    public Loss loss(Transformer model, int[] windows, int batchSize, int length, Rng rng) {
        checkModel(model);
        Windows.check(windows, batchSize, length);
        int used = length;
        if (randomLengthFraction > 0 && rng.nextDouble() < randomLengthFraction) {
            used = 1 + rng.nextInt(length);
        }
        int[] x0 = Windows.prefix(windows, batchSize, length, used);      // (B, L')
        MaskSample sample = drawMask(batchSize, used, rng);
        return loss(model, x0, sample, rng);
    }

    @Override
    public double evaluate(Transformer model, int[] windows, int batchSize, int length, Rng rng) {
        checkModel(model);
        Windows.check(windows, batchSize, length);
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var scope = Tensor.noGrad()) {
            int[] x0 = Windows.prefix(windows, batchSize, length, length); // (B, T)
            return loss(model, x0, drawMask(batchSize, length, rng), null).item();
        } finally {
            model.train(wasTraining);
        }
    }

    /**
     * The loss for clean tokens {@code x0} (B, L) and an explicit mask: after checking the model
     * ({@code checkModel}), x_t = x0 with the masked positions set to the mask id
     * ({@link MaskSample#noisyInput}); the bidirectional model reads x_t; then
     * loss = sum_b w_b sum_{i masked} CE(logits_bi, x0_bi) / N, the cross-entropy weighted by
     * {@link MaskSample#tokenWeights} (w_b at masked positions, 0 elsewhere) and divided by the sample's
     * normaliser N. The {@link Loss} counts B·L tokens. {@code dropoutRng} may be null in evaluation mode.
     */
    @Exercise("L09.4")
    public Loss loss(Transformer model, int[] x0, MaskSample sample, Rng dropoutRng) {
        checkModel(model);
        int[] noisy = sample.noisyInput(x0, maskId);                                          // (B, L)
        Tensor logits = model.forward(noisy, sample.batchSize(), sample.length(), dropoutRng); // (B, L, V)
        Tensor value = logits.crossEntropy(x0, sample.tokenWeights(), (float) sample.normaliser());
        return new Loss(value, (double) sample.batchSize() * sample.length());
    }

    /**
     * B noise levels in [0, 1): independent, t_b = {@code rng.nextDouble()} for b = 0..B-1; or, when
     * stratified, one u = {@code rng.nextDouble()} and t_b = (b + u) / B, exactly one level in each
     * stratum [b/B, (b+1)/B).
     */
    @Exercise("L09.1")
    public double[] drawNoiseLevels(int batchSize, Rng rng) {
        double[] t = new double[batchSize];
        double u = stratified ? rng.nextDouble() : 0;
        for (int b = 0; b < batchSize; b++) {
            t[b] = stratified ? (b + u) / batchSize : rng.nextDouble();
        }
        return t;
    }

    /**
     * Draws this variant's mask for B rows of length L and weighs it ({@link #weigh}). After refusing a
     * non-positive B or L, the noise levels ({@link #drawNoiseLevels}), then per row, as
     * {@link DiffusionVariant} defines them: paper and masked-mean mask with probability t_b
     * ({@code maskIndependently}) and, when that masked nothing, one position {@code rng.nextInt(L)};
     * llada masks with p_b = (1 - eps) t_b + eps, which becomes the row's noise level; mdlm moves t_b to
     * eps + (1 - eps) t_b and masks with (1 - eps) t_b; llada-eval masks exactly
     * l_b = min(L, 1 + floor(t_b L)) positions ({@code maskExactly}) and its noise level is l_b / L.
     */
    @Exercise("L09.2")
    public MaskSample drawMask(int batchSize, int length, Rng rng) {
        if (batchSize <= 0 || length <= 0) {
            throw new IllegalArgumentException("batchSize and length must be positive, got B=" + batchSize
                    + ", L=" + length);
        }
        double[] t = drawNoiseLevels(batchSize, rng);
        boolean[] masked = new boolean[batchSize * length];
        for (int b = 0; b < batchSize; b++) {
            int row = b * length;
            switch (variant) {
                case PAPER, MASKED_MEAN -> {
                    if (maskIndependently(masked, row, length, t[b], rng) == 0) {
                        masked[row + rng.nextInt(length)] = true;
                    }
                }
                case LLADA -> {
                    t[b] = (1 - NOISE_EPS) * t[b] + NOISE_EPS;               // p_b, the masking probability
                    maskIndependently(masked, row, length, t[b], rng);
                }
                case MDLM -> {
                    t[b] = NOISE_EPS + (1 - NOISE_EPS) * t[b];               // t_b in [eps, 1)
                    maskIndependently(masked, row, length, (1 - NOISE_EPS) * t[b], rng);
                }
                case LLADA_EVAL -> {
                    int count = Math.min(length, 1 + (int) (t[b] * length)); // l_b uniform in {1..L}
                    maskExactly(masked, row, length, count, rng);
                    t[b] = (double) count / length;
                }
            }
        }
        return weigh(masked, t, batchSize, length);
    }

    /**
     * The weights of this variant for an explicit mask (B, L), e.g. one drawn by a PyTorch
     * reference. {@code noiseLevels} (B) is needed by llada (w_b = 1/p_b) and mdlm (w_b = 1/t_b) and
     * may be null for the others, whose weights depend on the mask only. Per row b with m_b masked
     * positions: the noise level is noiseLevels[b], or m_b / L without them; the weight w_b is L / m_b
     * for paper and llada-eval (0 for a row without masks: it adds nothing to the loss), 1 / level for
     * llada and mdlm, 1 for masked-mean. The normaliser N is the batch's number of masked tokens (at
     * least 1) for masked-mean and B·L for the others. A mask of the wrong size, or missing noise levels
     * where they are needed, is an {@link IllegalArgumentException}. The mask is copied.
     */
    @Exercise("L09.3")
    public MaskSample weigh(boolean[] masked, double[] noiseLevels, int batchSize, int length) {
        if (masked.length != (long) batchSize * length) {
            throw new IllegalArgumentException("mask has " + masked.length + " entries for B=" + batchSize
                    + ", L=" + length);
        }
        boolean weighsByNoise = variant == DiffusionVariant.LLADA || variant == DiffusionVariant.MDLM;
        if (weighsByNoise && noiseLevels == null) {
            throw new IllegalArgumentException("the " + variant.label() + " variant weighs by its noise level"
                    + " and needs the noise levels");
        }
        double[] t = new double[batchSize];
        float[] weights = new float[batchSize];
        int total = 0;
        for (int b = 0; b < batchSize; b++) {
            int count = 0;
            for (int i = b * length; i < (b + 1) * length; i++) {
                count += masked[i] ? 1 : 0;
            }
            total += count;
            t[b] = noiseLevels != null ? noiseLevels[b] : (double) count / length;
            weights[b] = switch (variant) {
                case PAPER, LLADA_EVAL -> count == 0 ? 0f : (float) ((double) length / count);
                case LLADA, MDLM -> (float) (1.0 / t[b]);
                case MASKED_MEAN -> 1f;
            };
        }
        double normaliser = variant == DiffusionVariant.MASKED_MEAN ? Math.max(total, 1)
                : (double) batchSize * length;
        return new MaskSample(batchSize, length, masked.clone(), t, weights, normaliser);
    }

    /** Masks each of the row's tokens with probability p; returns how many were masked. */
    private static int maskIndependently(boolean[] masked, int row, int length, double p, Rng rng) {
        int count = 0;
        for (int i = 0; i < length; i++) {
            if (rng.nextDouble() < p) {
                masked[row + i] = true;
                count++;
            }
        }
        return count;
    }

    /** Masks exactly {@code count} of the row's positions, a uniform subset (partial Fisher-Yates). */
    private static void maskExactly(boolean[] masked, int row, int length, int count, Rng rng) {
        int[] positions = new int[length];
        for (int i = 0; i < length; i++) {
            positions[i] = i;
        }
        for (int j = 0; j < count; j++) {
            int k = j + rng.nextInt(length - j);
            int chosen = positions[k];
            positions[k] = positions[j];
            positions[j] = chosen;
            masked[row + chosen] = true;
        }
    }

    private void checkModel(Transformer model) {
        if (model.config().causal()) {
            throw new IllegalArgumentException("masked diffusion needs a bidirectional model (config causal=false);"
                    + " use config.withCausal(false)");
        }
        if (maskId >= model.config().vocabSize()) {
            throw new IllegalArgumentException("mask id " + maskId + " must be < vocabSize " + model.config().vocabSize());
        }
    }
}
