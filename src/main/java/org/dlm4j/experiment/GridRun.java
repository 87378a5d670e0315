package org.dlm4j.experiment;

import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.train.TrainConfig;

/**
 * One cell of a sweep's grid: an objective trained on U unique tokens with one model size, an
 * optional AR regulariser and one seed. Its {@link #name()} names its folder DIR/runs/&lt;name&gt;.
 *
 * @param objective    "ar" or "diffusion"
 * @param uniqueTokens U
 * @param model        the model size
 * @param regularizer  null for a plain run
 * @param seed         seeds weights, data order and noise
 */
public record GridRun(String objective, long uniqueTokens, SweepSpec.ModelSpec model,
                      SweepSpec.RegularizerSpec regularizer, long seed) {

    /** The run's folder name, e.g. {@code ar-tiny-U8192-mask0.1-s1}. */
    public String name() {
        return objective + "-" + model.name() + "-U" + uniqueTokens
                + (regularizer == null ? "" : "-" + regularizer.name()) + "-s" + seed;
    }

    /** epochs = M / U. */
    public double epochs(SweepSpec spec) {
        return (double) spec.totalTokens() / uniqueTokens;
    }

    /** The regulariser's name, or null for a plain run. */
    public String regularizerName() {
        return regularizer == null ? null : regularizer.name();
    }

    /** Steps between evaluation points: ceil(steps / eval_points). */
    public long evalInterval(SweepSpec spec) {
        long steps = spec.steps(model);
        return (steps + spec.evalPoints() - 1) / spec.evalPoints();
    }

    /**
     * The run's training config for data with {@code vocabSize} ids and mask {@code maskId}: the
     * sweep's shared optimizer and cosine schedule; validation and checkpoints at every
     * evaluation point (the trainer also validates at step 0 and at the end).
     */
    public TrainConfig trainConfig(SweepSpec spec, int vocabSize, int maskId) {
        double dropout = regularizer == null ? 0 : regularizer.dropout();
        double inputMask = regularizer == null ? 0 : regularizer.inputMaskRatio();
        TransformerConfig transformer = new TransformerConfig(vocabSize, model.contextLength(), model.dModel(),
                model.numLayers(), model.numHeads(), model.mlpRatio(), (float) dropout, objective.equals("ar"),
                true, false, model.positionEncoding());
        ObjectiveOptions options = ObjectiveOptions.defaults(maskId).withInputMaskRatio(inputMask);
        int interval = Math.toIntExact(evalInterval(spec));
        return new TrainConfig(objective, options, transformer, spec.batchSize(), spec.steps(model), uniqueTokens,
                spec.lr(), spec.minLr(), spec.warmupSteps(), TrainConfig.COSINE, 0.2, spec.weightDecay(),
                0.9, 0.99, 1e-8, 1.0, interval, spec.evalBatches(), interval, seed);
    }
}
