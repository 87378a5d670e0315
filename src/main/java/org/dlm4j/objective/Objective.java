package org.dlm4j.objective;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;

/**
 * A pretraining objective: how a batch of token windows becomes a scalar loss.
 *
 * <p>Both objectives read the sampler's windows: {@code windows} holds B windows of
 * {@code length + 1} tokens each, row by row (int[B * (T + 1)]). Autoregression predicts tokens
 * 1..T from tokens 0..T-1; masked diffusion denoises tokens 0..T-1 and ignores the last one.
 * All randomness (noise draws, then dropout seeds) comes from the {@link Rng} passed in, so the
 * same seed gives bit-identical losses.
 */
public interface Objective {

    /** The name {@link Objectives#create} knows this objective by. */
    String name();

    /** Whether the model must use causal attention (AR) or bidirectional attention (diffusion). */
    boolean causal();

    /** The training loss of one batch; {@code rng} supplies the noise and the dropout seeds. */
    Loss loss(Transformer model, int[] windows, int batchSize, int length, Rng rng);

    /**
     * The validation number of one batch, computed in evaluation mode (no dropout) without a graph:
     * AR gives the exact mean NLL per token (nats); diffusion gives its NLL upper bound per token.
     * Pass a fresh {@code new Rng(fixedSeed)} each time so that points along a run are comparable.
     * The model's training mode is restored afterwards.
     */
    double evaluate(Transformer model, int[] windows, int batchSize, int length, Rng rng);
}
