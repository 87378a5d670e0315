package org.dlm4j.eval;

import java.util.List;

/**
 * The scores of one multiple-choice item.
 *
 * @param id                  the item's id
 * @param label               the index of the correct ending
 * @param nll                 per ending: NLL of the ending's tokens given the context, nats (exact, or the mean
 *                            of the K bound samples)
 * @param endingTokens        per ending: its number of tokens (the length normalisation divides by it)
 * @param predicted           argmin of {@code nll} (the first on ties)
 * @param predictedNormalized argmin of nll / endingTokens, per token (the first on ties)
 * @param contextTokensDropped tokens cut from the LEFT of the context so that it fits the model (0 when none)
 */
public record McItemScore(String id, int label, List<Double> nll, List<Integer> endingTokens, int predicted,
                          int predictedNormalized, int contextTokensDropped) {

    public McItemScore {
        nll = List.copyOf(nll);
        endingTokens = List.copyOf(endingTokens);
    }

    /**
     * The cluster the item belongs to for the bootstrap: its id up to the last '-' ("story00010" for
     * "story00010-2": the items of one story share its context), or the whole id when it has no '-'.
     */
    public String cluster() {
        int dash = id.lastIndexOf('-');
        return dash > 0 ? id.substring(0, dash) : id;
    }

    /** Whether the lowest-NLL ending is the correct one. */
    public boolean correct() {
        return predicted == label;
    }

    /** NLL of the correct ending. */
    public double nllCorrect() {
        return nll.get(label);
    }

    /** Mean NLL of the wrong endings. */
    public double nllWrong() {
        double sum = 0;
        for (int e = 0; e < nll.size(); e++) {
            if (e != label) {
                sum += nll.get(e);
            }
        }
        return sum / (nll.size() - 1);
    }
}
