/**
 * Everything between raw text and the integer batches a model trains on.
 *
 * <ul>
 *   <li>Tokenizers behind one interface, {@link org.dlm4j.data.Tokenizer}: bytes
 *       ({@link org.dlm4j.data.ByteTokenizer}), a byte-level BPE trained here
 *       ({@link org.dlm4j.data.BpeTrainer}, {@link org.dlm4j.data.BpeTokenizer}) and GPT-2's
 *       r50k_base ({@link org.dlm4j.data.Gpt2Tokenizer}); {@link org.dlm4j.data.Tokenizers} picks one by name.
 *   <li>Token files: nanoGPT-compatible raw little-endian uint16/uint32 arrays read by memory mapping
 *       ({@link org.dlm4j.data.TokenFile}), a JSON sidecar ({@link org.dlm4j.data.DatasetMeta}) and the
 *       prepared folder they make together ({@link org.dlm4j.data.PreparedDataset},
 *       {@link org.dlm4j.data.DatasetWriter}).
 *   <li>The data-constrained protocol: {@link org.dlm4j.data.DataConstrainedSampler} repeats the first
 *       U unique tokens epoch after epoch until M tokens were seen; validation windows come from
 *       {@link org.dlm4j.data.ValidationBatches}.
 *   <li>A synthetic corpus with state that n-grams cannot track ({@link org.dlm4j.data.StoryGenerator}) and
 *       its multiple-choice test set ({@link org.dlm4j.data.MultipleChoice}).
 * </ul>
 *
 * <p>Layering: this package imports only {@code org.dlm4j.kernels} (for {@code Rng}); it never sees tensors,
 * so batches are plain {@code int[]} and the objective decides how to use them.
 */
package org.dlm4j.data;
