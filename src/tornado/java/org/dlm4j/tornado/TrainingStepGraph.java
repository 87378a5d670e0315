package org.dlm4j.tornado;

import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.TransformerConfig;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The whole training step as one fixed TaskGraph, the transformer's forward and backward written
 * out op by op (as llm.c does) instead of recorded on a tape:
 * <pre>
 *   forward   x = drop(tok[ids] + pos);  per layer: x += drop(attn(ln1 x)); x += drop(mlp(ln2 x));
 *             logits = head(ln_f x);  weighted cross-entropy per row
 *   backward  the same ops in reverse, each parameter's gradient written once into the flat gradient
 *             buffer (the token table's twice with a tied head: head first, then the gather adds)
 *   sums      the gradients' sum of squares and the loss sum (two-pass reductions), brought back
 *   update    a second graph: clipped AdamW, launched by the host only when both sums are finite
 * </pre>
 * The parameters, gradients and sums stay on the device between the two graphs
 * ({@code persistOnDevice}, {@code consumeFromDevice}). Parameters, moments and the rope tables go up
 * on the first execution only; every execution sends the batch ({@link DeviceBatch}) and the step's
 * scalars. Parameters and moments come back only on demand ({@link #updatedState()}).
 */
final class TrainingStepGraph {
    static final String NAME = "step";

    private final TransformerConfig config;
    private final ParameterLayout layout;
    private final DeviceState state;
    private final DeviceBatch batch;
    private final StepBuffers buffers;
    static final String UPDATE = "update";

    private final TaskGraph graph = new TaskGraph(NAME);
    private final TaskGraph update = new TaskGraph(UPDATE);
    private final GridScheduler grid = new GridScheduler();
    private final int rows;
    private final int channels;
    private final int hidden;
    private final boolean dropout;
    private final FloatArray gradientPartials;
    private final FloatArray lossPartials;

    TrainingStepGraph(TransformerConfig config, ParameterLayout layout, DeviceState state, DeviceBatch batch) {
        this.config = config;
        this.layout = layout;
        this.state = state;
        this.batch = batch;
        this.rows = batch.batchSize() * config.contextLength();
        this.channels = config.dModel();
        this.hidden = config.mlpRatio() * channels;
        this.dropout = config.dropout() > 0f;
        boolean rope = config.positions() == PositionEncoding.ROPE;
        this.buffers = new StepBuffers(config, batch.batchSize(), rope, dropout);
        this.gradientPartials = new FloatArray(ReductionKernels.groups(layout.size()));
        this.lossPartials = new FloatArray(ReductionKernels.groups(rows));
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, state.params(), state.ropeCos(), state.ropeSin());
        graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, batch.inputs(), batch.targets(), batch.weights(),
                batch.validLength(), batch.dropoutSeeds(), batch.scalars(), batch.gather().rowStart(),
                batch.gather().positions());
        forward();
        backward();
        reductions();
        graph.persistOnDevice(state.params(), state.grads(), state.stats());
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, state.stats());
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, state.grads());
        update.consumeFromDevice(NAME, state.params(), state.grads(), state.stats())
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, state.firstMoments(), state.secondMoments(),
                        state.decays())
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, batch.updateScalars())
                .task("adamw", AdamWKernels::update, state.params(), state.grads(), state.firstMoments(),
                        state.secondMoments(), state.decays(), batch.updateScalars(), state.stats(), layout.size())
                .transferToHost(DataTransferMode.UNDER_DEMAND, state.params(), state.firstMoments(),
                        state.secondMoments());
    }

    /** Graph 0: forward, backward, loss and gradient sums; the sums come back. */
    TaskGraph graph() {
        return graph;
    }

    /** Graph 1: clipped AdamW on the buffers graph 0 left on the device, launched by the host after its NaN guard. */
    TaskGraph updateGraph() {
        return update;
    }

    GridScheduler grid() {
        return grid;
    }

    /** What the update graph brings back when asked (a checkpoint, an evaluation on the host). */
    Object[] updatedState() {
        return new Object[] {state.params(), state.firstMoments(), state.secondMoments()};
    }

    private void forward() {
        FloatArray params = state.params();
        int posOffset = layout.offsetOrNone("position_embedding.weight");
        graph.task("embed", EmbeddingKernels::forward, batch.inputs(), params, layout.offset("token_embedding.weight"),
                posOffset, buffers.embedded, rows, config.contextLength(), channels);
        if (dropout) {
            dropoutTask("embed_drop", buffers.embedded, buffers.residual[0], 0);
        }
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "blocks." + l + ".";
            String t = "l" + l + "_";
            layerNorm(t + "ln1", buffers.residual[l], p + "ln1", buffers.ln1Out[l], buffers.ln1Mean[l],
                    buffers.ln1Rstd[l]);
            linear(t + "qkv", buffers.ln1Out[l], p + "attn.qkv", buffers.qkv[l], 3 * channels, channels);
            if (buffers.qkvAttended[l] != buffers.qkv[l]) {
                graph.task(t + "rope", RopeKernels::rotateHeads, buffers.qkv[l], buffers.qkvAttended[l],
                        state.ropeCos(), state.ropeSin(), rows, config.contextLength(), channels, config.numHeads(),
                        1f);
            }
            graph.task(t + "attention", AttentionKernels::forward, buffers.qkvAttended[l], buffers.attentionOut[l],
                    buffers.probs[l], batch.validLength(), batch.batchSize(), config.contextLength(), channels,
                    config.numHeads(), causal());
            linear(t + "attn_proj", buffers.attentionOut[l], p + "attn.proj", buffers.attentionProjected[l],
                    channels, channels);
            if (dropout) {
                dropoutTask(t + "attn_drop", buffers.attentionProjected[l], buffers.attentionProjected[l], 1 + 2 * l);
            }
            graph.task(t + "residual1", ElementwiseKernels::add, buffers.residual[l], buffers.attentionProjected[l],
                    buffers.residualMid[l], rows * channels);
            layerNorm(t + "ln2", buffers.residualMid[l], p + "ln2", buffers.ln2Out[l], buffers.ln2Mean[l],
                    buffers.ln2Rstd[l]);
            linear(t + "fc", buffers.ln2Out[l], p + "mlp.fc", buffers.fc[l], hidden, channels);
            graph.task(t + "gelu", ElementwiseKernels::geluForward, buffers.fc[l], buffers.gelu[l], rows * hidden);
            linear(t + "mlp_proj", buffers.gelu[l], p + "mlp.proj", buffers.mlpOut[l], channels, hidden);
            if (dropout) {
                dropoutTask(t + "mlp_drop", buffers.mlpOut[l], buffers.mlpOut[l], 2 + 2 * l);
            }
            graph.task(t + "residual2", ElementwiseKernels::add, buffers.residualMid[l], buffers.mlpOut[l],
                    buffers.residual[l + 1], rows * channels);
        }
        layerNorm("lnf", buffers.residual[config.numLayers()], "ln_f", buffers.lnfOut, buffers.lnfMean,
                buffers.lnfRstd);
        matmul("head", MatmulKind.AB_T, buffers.lnfOut, 0, params, headOffset(), -1, buffers.logits, 0, rows, channels,
                config.vocabSize());
        graph.task("cross_entropy", CrossEntropyKernels::forward, buffers.logits, batch.targets(), batch.weights(),
                buffers.weightedLoss, buffers.logSumExp, rows, config.vocabSize());
    }

    private void backward() {
        FloatArray params = state.params();
        FloatArray grads = state.grads();
        graph.task("cross_entropy_back", CrossEntropyKernels::backward, buffers.logits, buffers.logSumExp,
                batch.targets(), batch.weights(), batch.scalars(), AdamWKernels.GRAD_SCALE, buffers.dLogits, rows,
                config.vocabSize());
        matmul("head_dw", MatmulKind.A_T_B, buffers.dLogits, 0, buffers.lnfOut, 0, -1, grads, headOffset(),
                config.vocabSize(), rows, channels);
        matmul("head_dx", MatmulKind.AB, buffers.dLogits, 0, params, headOffset(), -1, buffers.dNormed, 0, rows,
                config.vocabSize(), channels);
        graph.task("zero_dresidual", ElementwiseKernels::fill, buffers.dResidual, 0f, rows * channels);
        layerNormBackward("lnf_back", buffers.residual[config.numLayers()], "ln_f", buffers.lnfMean, buffers.lnfRstd);
        for (int l = config.numLayers() - 1; l >= 0; l--) {
            String p = "blocks." + l + ".";
            String t = "l" + l + "_";
            // MLP branch: x_out = x_mid + drop(proj(gelu(fc(ln2 x_mid))))
            branchGradient(t + "mlp_drop_back", 2 + 2 * l);
            linearBackward(t + "mlp_proj_back", buffers.dBranch, buffers.gelu[l], p + "mlp.proj", buffers.dHidden,
                    channels, hidden);
            graph.task(t + "gelu_back", ElementwiseKernels::geluBackward, buffers.fc[l], buffers.dHidden,
                    buffers.dFc, rows * hidden);
            linearBackward(t + "fc_back", buffers.dFc, buffers.ln2Out[l], p + "mlp.fc", buffers.dNormed, hidden,
                    channels);
            layerNormBackward(t + "ln2_back", buffers.residualMid[l], p + "ln2", buffers.ln2Mean[l],
                    buffers.ln2Rstd[l]);
            // attention branch: x_mid = x + drop(proj(attention(rope(qkv(ln1 x)))))
            branchGradient(t + "attn_drop_back", 1 + 2 * l);
            linearBackward(t + "attn_proj_back", buffers.dBranch, buffers.attentionOut[l], p + "attn.proj",
                    buffers.dAttentionOut, channels, channels);
            attentionBackward(t, l);
            if (buffers.dQkv != buffers.dQkvAttended) {
                graph.task(t + "rope_back", RopeKernels::rotateHeads, buffers.dQkvAttended, buffers.dQkv,
                        state.ropeCos(), state.ropeSin(), rows, config.contextLength(), channels, config.numHeads(),
                        -1f);
            }
            linearBackward(t + "qkv_back", buffers.dQkv, buffers.ln1Out[l], p + "attn.qkv", buffers.dNormed,
                    3 * channels, channels);
            layerNormBackward(t + "ln1_back", buffers.residual[l], p + "ln1", buffers.ln1Mean[l], buffers.ln1Rstd[l]);
        }
        branchGradient("embed_drop_back", 0);
        EmbeddingGather gather = batch.gather();
        graph.task("embed_back", EmbeddingKernels::backwardTokens, buffers.dBranch, gather.rowStart(),
                gather.positions(), grads, layout.offset("token_embedding.weight"), config.vocabSize(), channels,
                config.tiedHead() ? 1 : 0);
        int posOffset = layout.offsetOrNone("position_embedding.weight");
        if (posOffset >= 0) {
            graph.task("position_back", EmbeddingKernels::backwardPositions, buffers.dBranch, grads, posOffset,
                    batch.batchSize(), config.contextLength(), channels);
        }
    }

    private void reductions() {
        reduce("grad_squares", "grad_sum", state.grads(), layout.size(), 1, gradientPartials,
                AdamWKernels.SUM_OF_SQUARES);
        reduce("loss_partial", "loss_sum", buffers.weightedLoss, rows, 0, lossPartials, AdamWKernels.LOSS_SUM);
    }

    /** dBranch = dropout's backward of dResidual (the same mask as forward); without dropout dBranch is dResidual. */
    private void branchGradient(String name, int seedIndex) {
        if (dropout) {
            dropoutTask(name, buffers.dResidual, buffers.dBranch, seedIndex);
        }
    }

    private void dropoutTask(String name, FloatArray in, FloatArray out, int seedIndex) {
        graph.task(name, ElementwiseKernels::dropout, in, out, batch.dropoutSeeds(), seedIndex, batch.scalars(),
                AdamWKernels.DROPOUT, rows * channels);
    }

    private void layerNorm(String name, FloatArray x, String parameter, FloatArray out, FloatArray mean,
                           FloatArray rstd) {
        graph.task(name, LayerNormKernels::forward, x, state.params(), layout.offset(parameter + ".weight"),
                layout.offsetOrNone(parameter + ".bias"), out, mean, rstd, rows, channels);
    }

    /** dResidual += the input gradient of the LayerNorm that read x, from dNormed; its parameters' gradients. */
    private void layerNormBackward(String name, FloatArray x, String parameter, FloatArray mean, FloatArray rstd) {
        graph.task(name + "_dx", LayerNormKernels::backwardInput, buffers.dNormed, x, state.params(),
                layout.offset(parameter + ".weight"), mean, rstd, buffers.dResidual, rows, channels);
        graph.task(name + "_dw", LayerNormKernels::backwardParameters, buffers.dNormed, x, mean, rstd, state.grads(),
                layout.offset(parameter + ".weight"), layout.offsetOrNone(parameter + ".bias"), rows, channels);
    }

    /** out (N, outFeatures) = x W^T + b for the Linear named {@code parameter}. */
    private void linear(String name, FloatArray x, String parameter, FloatArray out, int outFeatures,
                        int inFeatures) {
        matmul(name, MatmulKind.AB_T, x, 0, state.params(), layout.offset(parameter + ".weight"),
                layout.offsetOrNone(parameter + ".bias"), out, 0, rows, inFeatures, outFeatures);
    }

    /** The Linear's weight and bias gradients from dy, and dx = dy W. */
    private void linearBackward(String name, FloatArray dy, FloatArray x, String parameter, FloatArray dx,
                                int outFeatures, int inFeatures) {
        matmul(name + "_dw", MatmulKind.A_T_B, dy, 0, x, 0, -1, state.grads(), layout.offset(parameter + ".weight"),
                outFeatures, rows, inFeatures);
        int biasOffset = layout.offsetOrNone(parameter + ".bias");
        if (biasOffset >= 0) {
            graph.task(name + "_db", ElementwiseKernels::biasGradient, dy, state.grads(), biasOffset, rows,
                    outFeatures);
        }
        matmul(name + "_dx", MatmulKind.AB, dy, 0, state.params(), layout.offset(parameter + ".weight"), -1, dx, 0,
                rows, outFeatures, inFeatures);
    }

    private void attentionBackward(String t, int l) {
        int b = batch.batchSize();
        int time = config.contextLength();
        int heads = config.numHeads();
        graph.task(t + "attention_row", AttentionKernels::backwardRowTerm, buffers.dAttentionOut,
                buffers.qkvAttended[l], buffers.probs[l], buffers.rowTerm, batch.validLength(), b, time, channels,
                heads, causal());
        graph.task(t + "attention_dq", AttentionKernels::backwardQuery, buffers.dAttentionOut, buffers.qkvAttended[l],
                buffers.probs[l], buffers.rowTerm, buffers.dQkvAttended, batch.validLength(), b, time, channels,
                heads, causal());
        graph.task(t + "attention_dkv", AttentionKernels::backwardKeyValue, buffers.dAttentionOut,
                buffers.qkvAttended[l], buffers.probs[l], buffers.rowTerm, buffers.dQkvAttended, batch.validLength(),
                b, time, channels, heads, causal());
    }

    private enum MatmulKind { AB, AB_T, A_T_B }

    /** out (m, n) at outOffset from a and b at their offsets, as {@link MatmulKernels} defines each kind. */
    private void matmul(String name, MatmulKind kind, FloatArray a, int aOffset, FloatArray b, int bOffset,
                        int biasOffset, FloatArray out, int outOffset, int m, int k, int n) {
        switch (kind) {
            case AB -> graph.task(name, MatmulKernels::ab, new KernelContext(), a, aOffset, b, bOffset, out,
                    outOffset, m, k, n);
            case AB_T -> graph.task(name, MatmulKernels::abT, new KernelContext(), a, aOffset, b, bOffset, biasOffset,
                    out, outOffset, m, k, n);
            case A_T_B -> graph.task(name, MatmulKernels::aTb, new KernelContext(), a, aOffset, b, bOffset, out,
                    outOffset, m, k, n);
        }
        WorkerGrid tiles = new WorkerGrid2D(MatmulKernels.roundUp(n), MatmulKernels.roundUp(m));
        tiles.setLocalWork(MatmulKernels.TILE, MatmulKernels.TILE, 1);
        grid.addWorkerGrid(NAME + "." + name, tiles);
    }

    private void reduce(String partialName, String finalName, FloatArray x, int n, int square, FloatArray partials,
                        int statIndex) {
        int groups = ReductionKernels.groups(n);
        graph.task(partialName, ReductionKernels::partialSums, new KernelContext(), x, 0, n, square, partials);
        graph.task(finalName, ReductionKernels::finalSum, new KernelContext(), partials, groups, state.stats(),
                statIndex);
        WorkerGrid first = new WorkerGrid1D(groups * ReductionKernels.GROUP);
        first.setLocalWork(ReductionKernels.GROUP, 1, 1);
        grid.addWorkerGrid(NAME + "." + partialName, first);
        WorkerGrid last = new WorkerGrid1D(1);
        last.setLocalWork(1, 1, 1);
        grid.addWorkerGrid(NAME + "." + finalName, last);
    }

    private int headOffset() {
        return config.tiedHead() ? layout.offset("token_embedding.weight") : layout.offset("head.weight");
    }

    private int causal() {
        return config.causal() ? 1 : 0;
    }
}
