package org.dlm4j.objective;

/**
 * Options of the objectives; each objective reads the ones that concern it.
 *
 * @param maskId               the mask token id ({@link #NO_MASK} when none); required by diffusion
 *                             and by AR input masking; must be below the model's vocabSize
 * @param inputMaskRatio       AR only: the probability with which each INPUT token is replaced by the
 *                             mask id (the paper's input-masking ablation); targets are unchanged. In [0, 1)
 * @param variant              diffusion only: "paper" (default), "llada", "llada-eval", "mdlm" or
 *                             "masked-mean",
 *                             see {@link DiffusionVariant}
 * @param stratified           diffusion only: draw the batch's noise levels stratified, t_b = (b + u) / B
 *                             with one shared u ~ U(0,1), instead of independently per row
 * @param randomLengthFraction diffusion only: the probability that a batch is cut to a random length
 *                             L' uniform in {1..T} (the seed code's 1% trick). In [0, 1]
 */
public record ObjectiveOptions(int maskId, double inputMaskRatio, String variant, boolean stratified,
                               double randomLengthFraction) {

    /** The maskId of options that have no mask token. */
    public static final int NO_MASK = -1;

    public ObjectiveOptions {
        if (maskId < NO_MASK) {
            throw new IllegalArgumentException("maskId must be a token id >= 0 (or NO_MASK), got " + maskId);
        }
        if (!(inputMaskRatio >= 0 && inputMaskRatio < 1)) {
            throw new IllegalArgumentException("inputMaskRatio must be in [0, 1), got " + inputMaskRatio);
        }
        DiffusionVariant.of(variant);
        if (!(randomLengthFraction >= 0 && randomLengthFraction <= 1)) {
            throw new IllegalArgumentException("randomLengthFraction must be in [0, 1], got " + randomLengthFraction);
        }
        if (inputMaskRatio > 0 && maskId == NO_MASK) {
            throw new IllegalArgumentException("inputMaskRatio " + inputMaskRatio + " needs a maskId");
        }
    }

    /** The defaults: the given mask id, no AR input masking, variant "paper", independent t, full lengths. */
    public static ObjectiveOptions defaults(int maskId) {
        return new ObjectiveOptions(maskId, 0, DiffusionVariant.PAPER.label(), false, 0);
    }

    public ObjectiveOptions withInputMaskRatio(double ratio) {
        return new ObjectiveOptions(maskId, ratio, variant, stratified, randomLengthFraction);
    }

    public ObjectiveOptions withVariant(String name) {
        return new ObjectiveOptions(maskId, inputMaskRatio, name, stratified, randomLengthFraction);
    }

    public ObjectiveOptions withStratified(boolean on) {
        return new ObjectiveOptions(maskId, inputMaskRatio, variant, on, randomLengthFraction);
    }

    public ObjectiveOptions withRandomLengthFraction(double fraction) {
        return new ObjectiveOptions(maskId, inputMaskRatio, variant, stratified, fraction);
    }
}
