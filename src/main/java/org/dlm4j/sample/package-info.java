/**
 * Text generation from trained models, seeded and reproducible.
 *
 * <p>Autoregressive: {@link org.dlm4j.sample.ArSampler} draws one token at a time from a
 * {@link org.dlm4j.sample.NextTokenModel}: either {@link org.dlm4j.sample.KvCacheDecoder}, which keeps
 * every layer's keys and values so each new token costs one position's work, or
 * {@link org.dlm4j.sample.FullForwardDecoder}, which reruns the whole transformer over the growing
 * prefix (the definition the cache is tested against). Token choice ({@link org.dlm4j.sample.TokenSampler}):
 * greedy, temperature, top-k, top-p.
 *
 * <p>Masked diffusion: {@link org.dlm4j.sample.DiffusionSampler} starts from a sequence whose unknown
 * positions hold the mask id (after a prompt, or spans inside a text for infilling, see
 * {@link org.dlm4j.sample.Infill}) and reveals them over S steps, choosing which predictions to keep
 * at random or by confidence ({@link org.dlm4j.sample.Remasking}), optionally block by block from left
 * to right. It has no cache: every step is a full bidirectional forward pass, the cost that
 * {@code org.dlm4j.eval.Flops} puts next to AR's.
 *
 * <p>All randomness comes from an explicitly passed {@link org.dlm4j.kernels.Rng}: the same seed gives
 * the same tokens.
 */
package org.dlm4j.sample;
