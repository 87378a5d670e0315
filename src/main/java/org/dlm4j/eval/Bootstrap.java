package org.dlm4j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dlm4j.kernels.Rng;

/**
 * The standard error of a mean by the cluster bootstrap: items that come from the same cluster (the
 * multiple-choice items of one story share its context) are resampled together, because they are not
 * independent. Each of R resamples draws as many clusters as there are, with replacement, and takes the
 * mean over all their items; the standard error is the standard deviation of the R means. With one item
 * per cluster it is the ordinary bootstrap, close to sd / sqrt(n).
 */
public final class Bootstrap {
    /** Resamples per estimate: enough for a standard error to about 2% (its own relative error ~ 1/sqrt(2R)). */
    public static final int RESAMPLES = 1000;
    /** The fixed seed of the resampling, so a report shows the same numbers every time. */
    public static final long SEED = 0xB0075L;

    private Bootstrap() {
    }

    /** The bootstrap standard error of the mean of {@code values}, items grouped by {@code clusters}. */
    public static double standardError(double[] values, List<String> clusters) {
        if (values.length != clusters.size()) {
            throw new IllegalArgumentException(values.length + " values but " + clusters.size() + " cluster labels");
        }
        Map<String, double[]> sums = new LinkedHashMap<>(); // cluster -> {sum, count}
        for (int i = 0; i < values.length; i++) {
            double[] sum = sums.computeIfAbsent(clusters.get(i), k -> new double[2]);
            sum[0] += values[i];
            sum[1]++;
        }
        List<double[]> groups = new ArrayList<>(sums.values());
        int k = groups.size();
        if (k < 2) {
            return Double.NaN;
        }
        Rng rng = new Rng(SEED);
        double mean = 0;
        double squares = 0;
        for (int r = 0; r < RESAMPLES; r++) {
            double total = 0;
            double count = 0;
            for (int j = 0; j < k; j++) {
                double[] group = groups.get(rng.nextInt(k));
                total += group[0];
                count += group[1];
            }
            double resampledMean = total / count;
            mean += resampledMean;
            squares += resampledMean * resampledMean;
        }
        mean /= RESAMPLES;
        return Math.sqrt(Math.max(0, squares / RESAMPLES - mean * mean) * RESAMPLES / (RESAMPLES - 1));
    }
}
