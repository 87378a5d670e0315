/**
 * Evaluation of trained models. {@link org.dlm4j.eval.LikelihoodEvaluator}: the likelihood of a token
 * stream (AR exact NLL; diffusion Monte Carlo upper bounds with K stratified samples, or the exact
 * chain-rule NLL). {@link org.dlm4j.eval.MultipleChoiceEvaluator}: accuracy, length-normalised
 * accuracy and delta NLL on multiple-choice items. {@link org.dlm4j.eval.Estimator} says what each
 * number is and which numbers compare like for like; {@link org.dlm4j.eval.SpanScorer} holds the
 * forward passes they share; {@link org.dlm4j.eval.LoadedModel} reads a checkpoint back.
 */
package org.dlm4j.eval;
