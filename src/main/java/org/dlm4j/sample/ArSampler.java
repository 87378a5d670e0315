package org.dlm4j.sample;

import java.util.Arrays;

import org.dlm4j.kernels.Rng;

/**
 * Autoregressive generation: read the prompt, then repeatedly draw a token from the logits of the
 * last position ({@link TokenSampler}) and feed it back.
 * <pre>
 *   z = model.start(prompt);   for i in 0..n-1:  y_i = draw(z);  if i < n-1: z = model.next(y_i)
 * </pre>
 * The last drawn token is not fed back, so n new tokens need prompt + n - 1 positions of context.
 * Random draws come only from {@code rng} (one nextDouble per token unless greedy), so a seed fixes
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
        if ((long) prompt.length + count - 1 > model.contextLength()) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens plus " + count
                    + " new tokens needs " + (prompt.length + count - 1) + " positions, more than the model's context of "
                    + model.contextLength());
        }
        int vocab = model.vocabSize();
        int[] generated = new int[count];
        float[] logits = model.start(prompt);
        for (int i = 0; i < count; i++) {
            generated[i] = TokenSampler.sample(logits, 0, vocab, excludedId, options, rng);
            if (i < count - 1) {
                logits = model.next(generated[i]);
            }
        }
        return generated;
    }

    /** {@code prompt} followed by {@code generated}. */
    public static int[] concat(int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        return all;
    }
}
