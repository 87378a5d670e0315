package org.dlm4j.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluation of one run: a row of DIR/results.jsonl and DIR/results.csv. A number that does not
 * apply (the bound of an AR model, the hard tier of a sweep without one) is NaN here and null (JSON) or
 * an empty field (CSV) in the files.
 *
 * @param run               the run's name (its folder under DIR/runs)
 * @param objective         "ar" or "diffusion"
 * @param uniqueTokens      U
 * @param epochs            M / U
 * @param model             the model size's name
 * @param regularizer       the AR regulariser's name, null for a plain run
 * @param seed              the run's seed
 * @param step              optimizer steps done
 * @param tokens            training tokens seen
 * @param valLoss           the trainer's validation loss, nats/token: AR exact NLL; diffusion the paper's
 *                          bound with the trainer's fixed noise (not like for like with AR)
 * @param valNll            the like-for-like validation NLL, nats/token: the same tokens (positions 1..T-1 of
 *                          the sweep's validation windows) with the same left context, AR exact and
 *                          diffusion by the chain rule; both exact
 * @param valNllSe          its standard error over windows
 * @param valBound          diffusion only: the llada-eval upper bound on the same tokens (K samples per
 *                          window), beside the exact NLL; NaN for AR
 * @param valBoundSe        its standard error over windows (data and Monte Carlo noise together)
 * @param mcAccuracy        in-window multiple choice: fraction of items whose correct ending has the lowest NLL
 * @param mcAccuracySe      its bootstrap standard error over stories
 * @param deltaNll          mean NLL of the wrong endings minus that of the correct one (nats; larger is better)
 * @param deltaNllSe        its bootstrap standard error over stories
 * @param deltaNllGain      delta NLL minus the run's delta NLL at step 0 (what training added)
 * @param mcHardAccuracy    hard-tier accuracy (NaN without a hard file)
 * @param mcHardAccuracySe  its bootstrap standard error over stories
 * @param mcHardDeltaNll    hard-tier delta NLL
 */
public record EvalPoint(String run, String objective, long uniqueTokens, double epochs, String model,
                        String regularizer, long seed, long step, long tokens, double valLoss, double valNll,
                        double valNllSe, double valBound, double valBoundSe, double mcAccuracy, double mcAccuracySe,
                        double deltaNll, double deltaNllSe, double deltaNllGain, double mcHardAccuracy,
                        double mcHardAccuracySe, double mcHardDeltaNll) {

    /** The column names, in order, as written to both files. */
    public static final String[] COLUMNS = {"run", "objective", "unique_tokens", "epochs", "model", "regularizer",
        "seed", "step", "tokens", "val_loss", "val_nll", "val_nll_se", "val_bound", "val_bound_se", "mc_accuracy",
        "mc_accuracy_se", "delta_nll", "delta_nll_se", "delta_nll_gain", "mc_hard_accuracy", "mc_hard_accuracy_se",
        "mc_hard_delta_nll"};

    /** The measured columns (from val_loss on), the ones an evaluation point writes to its run's evals.jsonl. */
    static final int FIRST_MEASURE = 9;

    /** The row as an ordered map keyed by {@link #COLUMNS}; NaN becomes null. */
    public Map<String, Object> toMap() {
        Object[] values = {run, objective, uniqueTokens, epochs, model, regularizer, seed, step, tokens, valLoss,
            valNll, valNllSe, valBound, valBoundSe, mcAccuracy, mcAccuracySe, deltaNll, deltaNllSe, deltaNllGain,
            mcHardAccuracy, mcHardAccuracySe, mcHardDeltaNll};
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < COLUMNS.length; i++) {
            map.put(COLUMNS[i], values[i] instanceof Double d && d.isNaN() ? null : values[i]);
        }
        return map;
    }

    /** The row read back from {@link #toMap()}'s form (numbers may come back as Integer, Long or Double). */
    public static EvalPoint fromMap(Map<String, Object> map) {
        return new EvalPoint((String) map.get("run"), (String) map.get("objective"),
                number(map, "unique_tokens").longValue(), number(map, "epochs").doubleValue(), (String) map.get("model"),
                (String) map.get("regularizer"), number(map, "seed").longValue(), number(map, "step").longValue(),
                number(map, "tokens").longValue(), measure(map, "val_loss"), measure(map, "val_nll"),
                measure(map, "val_nll_se"), measure(map, "val_bound"), measure(map, "val_bound_se"),
                measure(map, "mc_accuracy"), measure(map, "mc_accuracy_se"), measure(map, "delta_nll"),
                measure(map, "delta_nll_se"), measure(map, "delta_nll_gain"), measure(map, "mc_hard_accuracy"),
                measure(map, "mc_hard_accuracy_se"), measure(map, "mc_hard_delta_nll"));
    }

    /** The series this row belongs to: "ar", "ar+&lt;regulariser&gt;" or "diffusion". */
    public String series() {
        return objective + (regularizer == null ? "" : "+" + regularizer);
    }

    private static Number number(Map<String, Object> map, String key) {
        if (!(map.get(key) instanceof Number number)) {
            throw new IllegalArgumentException("results row has no number '" + key + "': " + map);
        }
        return number;
    }

    /** A measured column: a number, or NaN where it is null (does not apply); absent is an error. */
    private static double measure(Map<String, Object> map, String key) {
        if (!map.containsKey(key)) {
            throw new IllegalArgumentException("results row has no column '" + key + "' (written by an older dlm4j?): "
                    + map);
        }
        return map.get(key) == null ? Double.NaN : number(map, key).doubleValue();
    }
}
