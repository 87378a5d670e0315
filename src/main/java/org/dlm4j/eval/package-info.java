/**
 * Evaluation of trained models and of their cost. {@link org.dlm4j.eval.LikelihoodEvaluator}: the
 * likelihood of a token stream (AR exact NLL; diffusion Monte Carlo upper bounds with K stratified
 * samples, or the exact chain-rule NLL). {@link org.dlm4j.eval.MultipleChoiceEvaluator}: accuracy,
 * length-normalised accuracy and delta NLL on multiple-choice items. {@link org.dlm4j.eval.Estimator}
 * says what each number is and which numbers compare like for like; {@link org.dlm4j.eval.SpanScorer}
 * holds the forward passes they share; {@link org.dlm4j.eval.LoadedModel} reads a checkpoint back.
 *
 * <p>{@link org.dlm4j.eval.Flops} counts the floating-point operations of training and of generation
 * analytically from a {@code TransformerConfig} (checked against {@code org.dlm4j.kernels.FlopCounter}),
 * to reproduce the paper's point that AR and diffusion training cost the same per token while
 * diffusion generation without a KV cache costs orders of magnitude more.
 */
package org.dlm4j.eval;
