package org.dlm4j.tornado;

import org.dlm4j.device.DeviceTrainer;
import org.dlm4j.device.OptimizerSettings;
import org.dlm4j.device.OptimizerState;
import org.dlm4j.device.StepOutcome;
import org.dlm4j.model.Transformer;
import org.dlm4j.objective.LossInputs;

/** Placeholder until the schedule lands (next commit). */
final class TornadoTrainer implements DeviceTrainer {
    TornadoTrainer(Transformer model, OptimizerState state, OptimizerSettings settings) {
        throw new UnsupportedOperationException("the TornadoVM training schedule is not built yet");
    }

    @Override
    public StepOutcome step(LossInputs batch, double lr) {
        throw new UnsupportedOperationException();
    }

    @Override
    public double loss(LossInputs batch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void copyTo(Transformer model, OptimizerState state) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long stepCount() {
        return 0;
    }

    @Override
    public void close() {
    }
}
