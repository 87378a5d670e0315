package org.dlm4j.tornado;

import org.dlm4j.model.TransformerConfig;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The device arrays of one training step besides the parameters: what the forward pass keeps for
 * backward, per layer, and the gradient scratch shared by the layers (backward visits one layer at a
 * time). Shapes with N = B*T rows, C channels, F = mlpRatio*C, H heads, V vocabulary.
 */
final class StepBuffers {
    /** The residual stream entering layer l (N, C); index L is what ln_f reads. */
    final FloatArray[] residual;
    /** The residual stream between the attention and MLP branches of layer l (N, C). */
    final FloatArray[] residualMid;
    final FloatArray[] ln1Out;
    final FloatArray[] ln1Mean;
    final FloatArray[] ln1Rstd;
    /** qkv projections (N, 3C) before rope, and what attention reads (rotated, or the same array). */
    final FloatArray[] qkv;
    final FloatArray[] qkvAttended;
    final FloatArray[] probs;
    final FloatArray[] attentionOut;
    final FloatArray[] attentionProjected;
    final FloatArray[] ln2Out;
    final FloatArray[] ln2Mean;
    final FloatArray[] ln2Rstd;
    final FloatArray[] fc;
    final FloatArray[] gelu;
    final FloatArray[] mlpOut;
    final FloatArray embedded;
    final FloatArray lnfOut;
    final FloatArray lnfMean;
    final FloatArray lnfRstd;
    final FloatArray logits;
    final FloatArray weightedLoss;
    final FloatArray logSumExp;

    final FloatArray dLogits;
    /** The gradient of the residual stream, accumulated as backward walks down the layers. */
    final FloatArray dResidual;
    /** The gradient of a branch's output after dropout's backward (N, C). */
    final FloatArray dBranch;
    /** The gradient of a LayerNorm's output (N, C). */
    final FloatArray dNormed;
    final FloatArray dAttentionOut;
    final FloatArray dQkvAttended;
    final FloatArray dQkv;
    final FloatArray rowTerm;
    final FloatArray dHidden;
    final FloatArray dFc;

    StepBuffers(TransformerConfig config, int batch, boolean rope, boolean dropout) {
        int layers = config.numLayers();
        int n = batch * config.contextLength();
        int c = config.dModel();
        int f = config.mlpRatio() * c;
        int t = config.contextLength();
        residual = arrays(layers + 1, n * c);
        residualMid = arrays(layers, n * c);
        ln1Out = arrays(layers, n * c);
        ln1Mean = arrays(layers, n);
        ln1Rstd = arrays(layers, n);
        qkv = arrays(layers, n * 3 * c);
        qkvAttended = rope ? arrays(layers, n * 3 * c) : qkv;
        probs = arrays(layers, batch * config.numHeads() * t * t);
        attentionOut = arrays(layers, n * c);
        attentionProjected = arrays(layers, n * c);
        ln2Out = arrays(layers, n * c);
        ln2Mean = arrays(layers, n);
        ln2Rstd = arrays(layers, n);
        fc = arrays(layers, n * f);
        gelu = arrays(layers, n * f);
        mlpOut = arrays(layers, n * c);
        embedded = dropout ? new FloatArray(n * c) : residual[0];
        lnfOut = new FloatArray(n * c);
        lnfMean = new FloatArray(n);
        lnfRstd = new FloatArray(n);
        logits = new FloatArray(n * config.vocabSize());
        weightedLoss = new FloatArray(n);
        logSumExp = new FloatArray(n);
        dLogits = new FloatArray(n * config.vocabSize());
        dResidual = new FloatArray(n * c);
        dBranch = dropout ? new FloatArray(n * c) : dResidual;
        dNormed = new FloatArray(n * c);
        dAttentionOut = new FloatArray(n * c);
        dQkvAttended = new FloatArray(n * 3 * c);
        dQkv = rope ? new FloatArray(n * 3 * c) : dQkvAttended;
        rowTerm = new FloatArray(batch * config.numHeads() * t);
        dHidden = new FloatArray(n * f);
        dFc = new FloatArray(n * f);
    }

    private static FloatArray[] arrays(int count, int size) {
        FloatArray[] arrays = new FloatArray[count];
        for (int i = 0; i < count; i++) {
            arrays[i] = new FloatArray(size);
        }
        return arrays;
    }
}
