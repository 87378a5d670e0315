/**
 * Training: the optimizer step driver, learning-rate schedules, checkpoints and the metrics log.
 *
 * <p>Files written here are never half-written: {@link org.dlm4j.train.AtomicFiles} writes to a
 * temporary file in the target folder and renames it into place. Weights and optimizer state are
 * stored as safetensors ({@link org.dlm4j.train.Safetensors}) so that PyTorch can load them; run
 * metrics are JSON lines ({@link org.dlm4j.train.MetricsLog}).
 */
package org.dlm4j.train;
