package org.dlm4j.data;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a {@link DataConstrainedSampler} is, as a few counters: enough to continue exactly after a restart.
 * Saved in a checkpoint's JSON; {@code uniqueTokens} and {@code contextLength} guard against restoring into a
 * sampler with a different set-up.
 *
 * @param step           batches handed out so far
 * @param tokensSeen     training tokens handed out so far (T per window)
 * @param epochIndex     0-based index of the current pass over the unique tokens
 * @param cursor         windows of the current pass already handed out
 * @param epochRngState  the generator's state just before the current pass drew its offset and order
 * @param uniqueTokens   U of the sampler this came from
 * @param contextLength  T of the sampler this came from
 */
public record SamplerPosition(
        @JsonProperty(required = true, value = "step") long step,
        @JsonProperty(required = true, value = "tokens_seen") long tokensSeen,
        @JsonProperty(required = true, value = "epoch_index") long epochIndex,
        @JsonProperty(required = true, value = "cursor") int cursor,
        @JsonProperty(required = true, value = "epoch_rng_state") long epochRngState,
        @JsonProperty(required = true, value = "unique_tokens") long uniqueTokens,
        @JsonProperty(required = true, value = "context_length") int contextLength) {
}
