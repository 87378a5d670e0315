package org.dlm4j.sample;

/**
 * How a token is drawn from a row of logits (see {@link TokenSampler}).
 *
 * @param temperature 0 for greedy (argmax, no random draw); otherwise the logits are divided by it
 *                    before the softmax (below 1 sharper, above 1 flatter)
 * @param topK        keep only the k most likely tokens; 0 keeps all
 * @param topP        nucleus: keep the smallest set of most likely tokens whose probability reaches p;
 *                    1 keeps all. In (0, 1]
 */
public record SamplingOptions(double temperature, int topK, double topP) {

    /** Argmax decoding. */
    public static final SamplingOptions GREEDY = new SamplingOptions(0, 0, 1);

    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    /** Plain sampling from softmax(logits / temperature). */
    public static SamplingOptions temperature(double temperature) {
        return new SamplingOptions(temperature, 0, 1);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
