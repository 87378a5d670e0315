package org.dlm4j.tornado;

import org.dlm4j.objective.LossInputs;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

/**
 * The host arrays that go up with every step, refilled in place (the task graph holds these very
 * objects): the batch's {@link LossInputs}, its token positions grouped for the embedding gather,
 * the valid length (L'), the dropout seeds and the step's scalars.
 */
record DeviceBatch(int batchSize, IntArray inputs, IntArray targets, FloatArray weights, IntArray validLength,
                   LongArray dropoutSeeds, FloatArray scalars, FloatArray updateScalars, EmbeddingGather gather) {

    static DeviceBatch allocate(int batchSize, int length, int numLayers, int vocab) {
        int rows = batchSize * length;
        return new DeviceBatch(batchSize, new IntArray(rows), new IntArray(rows), new FloatArray(rows),
                new IntArray(1), new LongArray(1 + 2 * numLayers), new FloatArray(AdamWKernels.SCALARS),
                new FloatArray(AdamWKernels.SCALARS), new EmbeddingGather(new IntArray(vocab + 1), new IntArray(rows)));
    }

    /** Copies {@code inputs} in (its seeds too; an evaluation batch has none and keeps the old ones: unused). */
    void fill(LossInputs inputs) {
        if (inputs.batchSize() != batchSize || inputs.inputs().length != this.inputs.getSize()) {
            throw new IllegalArgumentException("the device step was built for " + batchSize + " rows of "
                    + this.inputs.getSize() / batchSize + " tokens, got " + inputs.batchSize() + " of "
                    + inputs.length());
        }
        for (int i = 0; i < inputs.inputs().length; i++) {
            this.inputs.set(i, inputs.inputs()[i]);
            targets.set(i, inputs.targets()[i]);
            weights.set(i, inputs.weights()[i]);
        }
        validLength.set(0, inputs.usedLength());
        long[] seeds = inputs.dropoutSeeds();
        for (int i = 0; i < seeds.length; i++) {
            dropoutSeeds.set(i, seeds[i]);
        }
        gather.fill(inputs.inputs());
    }
}
