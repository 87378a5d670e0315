package org.dlm4j.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluation of one run: a row of DIR/results.jsonl and DIR/results.csv.
 *
 * @param run           the run's name (its folder under DIR/runs)
 * @param objective     "ar" or "diffusion"
 * @param uniqueTokens  U
 * @param epochs        M / U
 * @param model         the model size's name
 * @param regularizer   the AR regulariser's name, null for a plain run
 * @param seed          the run's seed
 * @param step          optimizer steps done
 * @param tokens        training tokens seen
 * @param valLoss       validation loss, nats/token: AR exact NLL; diffusion the paper's bound with
 *                      the trainer's fixed evaluation seed (an upper bound, not like-for-like with AR)
 * @param mcAccuracy    fraction of multiple-choice items whose correct ending has the lowest NLL
 * @param deltaNll      mean NLL of the wrong endings minus that of the correct one (nats; larger is better)
 */
public record EvalPoint(String run, String objective, long uniqueTokens, double epochs, String model,
                        String regularizer, long seed, long step, long tokens, double valLoss, double mcAccuracy,
                        double deltaNll) {

    /** The column names, in order, as written to both files. */
    public static final String[] COLUMNS = {"run", "objective", "unique_tokens", "epochs", "model", "regularizer",
        "seed", "step", "tokens", "val_loss", "mc_accuracy", "delta_nll"};

    /** The row as an ordered map keyed by {@link #COLUMNS}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("run", run);
        map.put("objective", objective);
        map.put("unique_tokens", uniqueTokens);
        map.put("epochs", epochs);
        map.put("model", model);
        map.put("regularizer", regularizer);
        map.put("seed", seed);
        map.put("step", step);
        map.put("tokens", tokens);
        map.put("val_loss", valLoss);
        map.put("mc_accuracy", mcAccuracy);
        map.put("delta_nll", deltaNll);
        return map;
    }

    /** The row read back from {@link #toMap()}'s form (numbers may come back as Integer, Long or Double). */
    public static EvalPoint fromMap(Map<String, Object> map) {
        return new EvalPoint((String) map.get("run"), (String) map.get("objective"), number(map, "unique_tokens").longValue(),
                number(map, "epochs").doubleValue(), (String) map.get("model"), (String) map.get("regularizer"),
                number(map, "seed").longValue(), number(map, "step").longValue(), number(map, "tokens").longValue(),
                number(map, "val_loss").doubleValue(), number(map, "mc_accuracy").doubleValue(),
                number(map, "delta_nll").doubleValue());
    }

    /** Whether this row belongs to the same curve (objective, model, regulariser) as {@code other}. */
    public String series() {
        return objective + (regularizer == null ? "" : "+" + regularizer) + " (" + model + ")";
    }

    private static Number number(Map<String, Object> map, String key) {
        if (!(map.get(key) instanceof Number number)) {
            throw new IllegalArgumentException("results row has no number '" + key + "': " + map);
        }
        return number;
    }
}
