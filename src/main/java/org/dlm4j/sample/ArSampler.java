package org.dlm4j.sample;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;

/**
 * Autoregressive generation: read the prompt, then repeatedly draw a token from the logits of the
 * last position ({@link TokenSampler}) and feed it back.
 * <pre>
 *   z = model.start(prompt);   for i in 0..n-1:  y_i = draw(z);  if i < n-1: z = model.next(y_i)
 * </pre>
 * The last drawn token is not fed back. Past the model's context T the window slides, as nanoGPT
 * crops {@code idx[:, -T:]}: once T tokens have been read, each new token's logits come from the last T
 * tokens of the sequence, read afresh with {@code model.start} (every position moves when the window
 * does, so a KV cache is recomputed; each token then costs a T-position pass, as without a cache).
 * Only a prompt that alone exceeds T is refused.
 *
 * <p>Random draws come only from {@code rng} (one nextDouble per token unless greedy), so a seed fixes
 * the output, and a cached and an uncached {@link NextTokenModel} of the same weights draw the same
 * tokens (up to float rounding in the logits).
 */
public final class ArSampler {
    private ArSampler() {
    }

    /**
     * The {@code count} tokens generated after {@code prompt}; {@code excludedId} (the mask id, or -1)
     * is never drawn.
     */
    public static int[] generate(NextTokenModel model, int[] prompt, int count, int excludedId,
                                 SamplingOptions options, Rng rng) {
        if (count <= 0) {
            throw new IllegalArgumentException("the number of tokens to generate must be positive, got " + count);
        }
        int context = model.contextLength();
        if (prompt.length > context) {
            throw new IllegalArgumentException("the prompt of " + prompt.length + " tokens exceeds the model's context of "
                    + context);
        }
        int vocab = model.vocabSize();
        int[] sequence = Arrays.copyOf(prompt, prompt.length + count);
        int length = prompt.length;
        float[] logits = model.start(prompt);
        for (int i = 0; i < count; i++) {
            int token = TokenSampler.sample(logits, 0, vocab, excludedId, options, rng);
            sequence[length++] = token;
            if (i < count - 1) {
                logits = model.length() < context ? model.next(token)
                        : model.start(Arrays.copyOfRange(sequence, length - context, length)); // slide the window
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    /** {@code prompt} followed by {@code generated}. */
    public static int[] concat(int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        return all;
    }
}
