/**
 * Evaluation of trained models and of their cost. {@link org.dlm4j.eval.Flops} counts the
 * floating-point operations of training and of generation analytically from a
 * {@code TransformerConfig} (checked against {@code org.dlm4j.kernels.FlopCounter}), to reproduce the
 * paper's point that AR and diffusion training cost the same per token while diffusion generation
 * without a KV cache costs orders of magnitude more.
 */
package org.dlm4j.eval;
