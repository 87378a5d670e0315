/**
 * Training: the optimizer step driver, learning-rate schedules, checkpoints and the metrics log.
 *
 * <p>{@link org.dlm4j.train.TrainConfig} holds every number that decides a run (presets in
 * {@link org.dlm4j.train.TrainPresets}, JSON overrides in {@link org.dlm4j.train.TrainConfigJson});
 * {@link org.dlm4j.train.Trainer} runs it with {@link org.dlm4j.train.AdamWOptimizer} and an
 * {@link org.dlm4j.train.LrSchedule}, writes {@code metrics.jsonl} and
 * {@link org.dlm4j.train.Checkpoint}s, and resumes from them exactly (randomness per step comes
 * from {@link org.dlm4j.train.Seeds}).
 *
 * <p>Files written here are never half-written: {@link org.dlm4j.train.AtomicFiles} writes to a
 * temporary file in the target folder and renames it into place. Weights and optimizer state are
 * stored as safetensors ({@link org.dlm4j.train.Safetensors}) so that PyTorch can load them; run
 * metrics are JSON lines ({@link org.dlm4j.train.MetricsLog}). {@link org.dlm4j.train.RunFolder} says
 * which files a run folder holds and recognises a run stopped before its first checkpoint, which a new
 * run may take over. Every I/O failure names the file, the operation and the reason.
 *
 * <p>{@link org.dlm4j.train.Benchmark} times training and forward steps of a model preset (the
 * {@code dlm4j bench} command), the counterpart of {@code bench/bench_torch.py}.
 */
package org.dlm4j.train;
