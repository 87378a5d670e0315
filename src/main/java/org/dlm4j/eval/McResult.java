package org.dlm4j.eval;

import java.util.List;

/**
 * Multiple-choice results over N items (NLLs are of the ending's tokens given the context, nats).
 *
 * @param objective          "ar" or "diffusion"
 * @param estimator          how each ending's NLL was computed (a bound is an upper bound, see {@link Estimator})
 * @param samples            K per ending (1 for exact estimators)
 * @param accuracy           fraction of items whose correct ending has the lowest total NLL
 * @param normalizedAccuracy the same with the NLL divided by the ending's number of TOKENS (per-token
 *                           normalisation; per byte for the byte tokenizer)
 * @param meanNllCorrect     mean over items of the correct ending's NLL
 * @param meanNllWrong       mean over items of the mean NLL of the wrong endings
 * @param deltaNll           meanNllWrong - meanNllCorrect, the paper's "delta NLL": larger is better
 * @param items              per-item scores, in input order
 */
public record McResult(String objective, Estimator estimator, int samples, double accuracy, double normalizedAccuracy,
                       double meanNllCorrect, double meanNllWrong, double deltaNll, List<McItemScore> items) {

    public McResult {
        items = List.copyOf(items);
    }

    /** The standard error of {@link #accuracy()}, by the bootstrap over item clusters ({@link Bootstrap}). */
    public double accuracyStandardError() {
        return Bootstrap.standardError(items.stream().mapToDouble(i -> i.correct() ? 1 : 0).toArray(), clusters());
    }

    /** The standard error of {@link #deltaNll()}, by the bootstrap over item clusters ({@link Bootstrap}). */
    public double deltaNllStandardError() {
        return Bootstrap.standardError(items.stream().mapToDouble(i -> i.nllWrong() - i.nllCorrect()).toArray(),
                clusters());
    }

    private List<String> clusters() {
        return items.stream().map(McItemScore::cluster).toList();
    }

    /** Number of items. */
    public int size() {
        return items.size();
    }
}
