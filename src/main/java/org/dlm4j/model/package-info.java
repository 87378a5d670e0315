/**
 * The GPT-2 style transformer shared by both objectives of the paper:
 * {@link org.dlm4j.model.TransformerConfig} (sizes, the causal switch, named presets) and
 * {@link org.dlm4j.model.Transformer} (token ids to logits). An autoregressive model and a masked
 * diffusion model are the same network; only {@code causal} differs.
 */
package org.dlm4j.model;
