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

/**
 * A model trained on a TornadoVM device: {@link TrainingStepGraph} built once per batch shape (the
 * first step's), its parameters and moments uploaded on the first execution and kept there. Each
 * step fills the batch arrays and the scalars, executes the graph, and reads back the loss sum and
 * the gradients' sum of squares:
 * <pre>
 *   loss = lossSum / N,   norm = sqrt(sumOfSquares)
 * </pre>
 * The update is applied on the device only when both are finite, so the host's NaN guard sees the
 * weights as they were. An evaluation executes the same graph with the update and dropout off.
 */
final class TornadoTrainer implements DeviceTrainer {
    private final TransformerConfig config;
    private final ParameterLayout layout;
    private final DeviceState state;
    private final OptimizerSettings settings;
    private DeviceBatch batch;
    private TrainingStepGraph step;
    private TornadoExecutionPlan plan;
    private TornadoExecutionResult lastResult;
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
        StepScalars.fill(batch.scalars(), lr, settings.beta1(), settings.beta2(), settings.eps(),
                settings.weightDecay(), stepCount + 1, settings.maxGradNorm(), inputs.normaliser(), true);
        StepScalars.dropout(batch.scalars(), config.dropout());
        execute();
        double loss = state.stats().get(AdamWKernels.LOSS_SUM) / (double) inputs.normaliser();
        double norm = Math.sqrt(state.stats().get(AdamWKernels.SUM_OF_SQUARES));
        boolean applied = Double.isFinite(loss) && Double.isFinite(norm);
        if (applied) {
            stepCount++;
        }
        return new StepOutcome(loss, norm, applied);
    }

    @Override
    public double loss(LossInputs inputs) {
        prepare(inputs);
        StepScalars.fill(batch.scalars(), 0, settings.beta1(), settings.beta2(), settings.eps(), 0, 1, 0,
                inputs.normaliser(), false);
        StepScalars.dropout(batch.scalars(), 0f);
        execute();
        return state.stats().get(AdamWKernels.LOSS_SUM) / (double) inputs.normaliser();
    }

    @Override
    public void copyTo(Transformer target, OptimizerState optimizerState) {
        if (lastResult != null) {
            lastResult.transferToHost(step.onDemand());
        }
        state.copyTo(target, layout, optimizerState);
    }

    /** The gradients of the last execution, by the layout's offsets (for tests against the CPU). */
    float[] gradients() {
        lastResult.transferToHost(state.grads());
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

    /** Builds the graph for the first batch's shape; later batches must have the same shape. */
    private void prepare(LossInputs inputs) {
        if (batch == null) {
            batch = DeviceBatch.allocate(inputs.batchSize(), config.contextLength(), config.numLayers(),
                    config.vocabSize());
            if (inputs.length() != config.contextLength()) {
                throw new IllegalArgumentException("the TornadoVM engine trains on windows of the model's context"
                        + " length " + config.contextLength() + ", got " + inputs.length());
            }
            step = new TrainingStepGraph(config, layout, state, batch);
            plan = new TornadoExecutionPlan(step.graph().snapshot());
            TornadoEngine.withCompilerFlags(plan).withGridScheduler(step.grid());
        }
        batch.fill(inputs);
    }

    private void execute() {
        lastResult = plan.execute();
    }
}
