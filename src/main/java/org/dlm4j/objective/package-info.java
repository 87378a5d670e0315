/**
 * The two pretraining objectives the paper compares, on the same {@link org.dlm4j.model.Transformer}:
 * {@link org.dlm4j.objective.Autoregressive} (causal attention, targets shifted by one, optional
 * input masking) and {@link org.dlm4j.objective.MaskedDiffusion} (bidirectional attention, no shift,
 * a mask token, the ELBO loss and its {@link org.dlm4j.objective.DiffusionVariant variants}).
 * {@link org.dlm4j.objective.Objectives#create} builds them by name from
 * {@link org.dlm4j.objective.ObjectiveOptions}.
 */
package org.dlm4j.objective;
