package org.dlm4j.tornado;

import org.dlm4j.device.DeviceTrainer;
import org.dlm4j.device.OptimizerSettings;
import org.dlm4j.device.OptimizerState;
import org.dlm4j.device.StepOutcome;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.LossInputs;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A model trained on a TornadoVM device: {@link TrainingStepGraph}'s two graphs built once for the
 * first batch's shape, in one execution plan; the parameters and moments go up on the first execution
 * and stay. A step fills the batch arrays and the scalars, runs graph 0 (forward, backward, sums) and
 * reads back the loss sum and the gradients' sum of squares:
 * <pre>
 *   loss = lossSum / N,   norm = sqrt(sumOfSquares)
 * </pre>
 * Then the host's NaN guard: only when both are finite does it run graph 1 (clipped AdamW), so a
 * diverged step leaves the weights and moments as they were. An evaluation runs graph 0 alone with
 * dropout off.
 */
final class TornadoTrainer implements DeviceTrainer {
    private static final int STEP_GRAPH = 0;
    private static final int UPDATE_GRAPH = 1;

    private final TransformerConfig config;
    private final ParameterLayout layout;
    private final DeviceState state;
    private final OptimizerSettings settings;
    private DeviceBatch batch;
    private TrainingStepGraph graphs;
    private TornadoExecutionPlan plan;
    private TornadoExecutionResult lastStep;
    private TornadoExecutionResult lastUpdate;
    private long stepCount;

    TornadoTrainer(Transformer model, OptimizerState optimizerState, OptimizerSettings settings) {
        this.config = model.config();
        this.layout = new ParameterLayout(model);
        this.state = DeviceState.of(model, layout, optimizerState);
        this.settings = settings;
        this.stepCount = optimizerState.stepCount();
    }

    @Override
    public StepOutcome step(LossInputs inputs, double lr) {
        prepare(inputs);
        for (FloatArray scalars : new FloatArray[] {batch.scalars(), batch.updateScalars()}) {
            StepScalars.fill(scalars, lr, settings.beta1(), settings.beta2(), settings.eps(), settings.weightDecay(),
                    stepCount + 1, settings.maxGradNorm(), inputs.normaliser());
            StepScalars.dropout(scalars, config.dropout());
        }
        lastStep = plan.withGraph(STEP_GRAPH).execute();
        double loss = state.stats().get(AdamWKernels.LOSS_SUM) / (double) inputs.normaliser();
        double norm = Math.sqrt(state.stats().get(AdamWKernels.SUM_OF_SQUARES));
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            lastUpdate = plan.withGraph(UPDATE_GRAPH).execute();
            stepCount++;
        }
        return new StepOutcome(loss, norm, finite);
    }

    @Override
    public double loss(LossInputs inputs) {
        prepare(inputs);
        StepScalars.fill(batch.scalars(), 0, settings.beta1(), settings.beta2(), settings.eps(), 0, 1, 0,
                inputs.normaliser());
        StepScalars.dropout(batch.scalars(), 0f);
        lastStep = plan.withGraph(STEP_GRAPH).execute();
        return state.stats().get(AdamWKernels.LOSS_SUM) / (double) inputs.normaliser();
    }

    @Override
    public void copyTo(Transformer target, OptimizerState optimizerState) {
        if (lastUpdate != null) {              // else nothing changed since the upload: the host arrays are current
            lastUpdate.transferToHost(graphs.updatedState());
        }
        state.copyTo(target, layout, optimizerState);
    }

    /** The gradients of the last step, by the layout's offsets (for tests against the CPU). */
    float[] gradients() {
        lastStep.transferToHost(state.grads());
        float[] out = new float[layout.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = state.grads().get(i);
        }
        return out;
    }

    ParameterLayout layout() {
        return layout;
    }

    @Override
    public long stepCount() {
        return stepCount;
    }

    @Override
    public void close() {
        if (plan != null) {
            try {
                plan.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release the TornadoVM execution plan: " + e.getMessage(), e);
            }
            plan = null;
        }
    }

    /** Builds the graphs for the first batch's shape; later batches must have the same shape. */
    private void prepare(LossInputs inputs) {
        if (batch == null) {
            if (inputs.length() != config.contextLength()) {
                throw new IllegalArgumentException("the TornadoVM engine trains on windows of the model's context"
                        + " length " + config.contextLength() + ", got " + inputs.length());
            }
            batch = DeviceBatch.allocate(inputs.batchSize(), config.contextLength(), config.numLayers(),
                    config.vocabSize());
            graphs = new TrainingStepGraph(config, layout, state, batch);
            plan = new TornadoExecutionPlan(graphs.graph().snapshot(), graphs.updateGraph().snapshot());
            TornadoEngine.withCompilerFlags(plan).withGridScheduler(graphs.grid());
        }
        batch.fill(inputs);
    }
}
