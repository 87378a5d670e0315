package org.dlm4j.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exact expectation of every diffusion loss variant, from ALL 2^L masks of one short sequence
 * under a random bidirectional model. The model's losses depend on the context (which tokens are
 * masked), so a wrong weighting shows here; with a context-free model every variant has the same
 * expectation and such a bug would hide.
 *
 * <p>With L = 4: S(M) = sum_{i in M} -log p(x_i | x with the positions M masked) for every mask M,
 * h(l) = mean over |M| = l of S(M) / l, and ELBO = sum_{l=1..L} h(l) (nats per sequence). Each
 * variant's expectation E = sum_M P(M) w(M) S(M), integrated over its noise level, is computed here
 * from the formulas of the references ({@link DiffusionVariant}), independently of the code; then
 * <ol>
 *   <li>the identities the docs state hold: llada-eval = ELBO, paper = L/(L+1) (ELBO + h(1)), llada and
 *       mdlm = ELBO up to O(eps);</li>
 *   <li>the code's draws and weights average to E: {@link MaskedDiffusion#drawMask} over many rows,
 *       each row's value w_b S(M_b) (within 4 standard errors), and the objective's loss over those
 *       rows equals their mean / L.</li>
 * </ol>
 */
class DiffusionVariantExpectationTest {
    private static final int L = 4;
    private static final int VOCAB = 7;
    private static final int MASK = 6;
    private static final int[] X0 = {0, 3, 1, 5};
    private static final double EPS = MaskedDiffusion.NOISE_EPS;
    private static final Transformer MODEL = contextDependentModel();
    /** S(M) for every mask, indexed by its bits (bit i set: position i masked). */
    private static final double[] S = maskedLossSums();

    @Test
    void theModelsLossesDependOnTheContextSoTheVariantsDiffer() {
        // h(l) varies with l by more than 10%, so the paper's offset and a wrong weighting are visible.
        assertThat(Math.abs(h(L) - h(1)) / h(1)).isGreaterThan(0.1);
        assertThat(Math.abs(expectation(DiffusionVariant.PAPER) - elbo()) / elbo()).isGreaterThan(0.01);
    }

    @Test
    void lladaEvalIsExactlyTheElbo() {
        assertThat(expectation(DiffusionVariant.LLADA_EVAL)).isCloseTo(elbo(), within(1e-9 * elbo()));
    }

    @Test
    void paperIsLOverLPlusOneTimesElboPlusTheOneMaskLoss() {
        double expected = L / (L + 1.0) * (elbo() + h(1));
        assertThat(expectation(DiffusionVariant.PAPER)).isCloseTo(expected, within(1e-9 * expected));
    }

    @Test
    void lladaAndMdlmAreTheElboUpToEps() {
        for (DiffusionVariant variant : new DiffusionVariant[] {DiffusionVariant.LLADA, DiffusionVariant.MDLM}) {
            assertThat(expectation(variant)).as(variant.label()).isCloseTo(elbo(), within(20 * EPS * elbo()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DiffusionVariant.class, names = "MASKED_MEAN", mode = EnumSource.Mode.EXCLUDE)
    void theCodesDrawsAndWeightsAverageToTheExpectation(DiffusionVariant variant) {
        MaskedDiffusion objective = new MaskedDiffusion(MASK, variant, false, 0);
        int rows = 40_000;
        MaskSample sample = objective.drawMask(rows, L, new Rng(7));
        double sum = 0;
        double squares = 0;
        for (int b = 0; b < rows; b++) {
            double value = sample.rowWeights()[b] * S[maskBits(sample.masked(), b)];
            sum += value;
            squares += value * value;
        }
        double mean = sum / rows;
        double standardError = Math.sqrt((squares / rows - mean * mean) / (rows - 1));
        assertThat(mean).as("%s: mean of w_b S(M_b) over %d rows", variant.label(), rows)
                .isCloseTo(expectation(variant), within(4 * standardError));
        assertThat(lossOver(objective, sample, rows)).as("%s: the objective's loss", variant.label())
                .isCloseTo(mean / L, within(1e-4 * mean / L));
    }

    @Test
    void maskedMeanIsTheRatioOfMaskedLossToMaskedCountNotABound() {
        MaskedDiffusion objective = new MaskedDiffusion(MASK, DiffusionVariant.MASKED_MEAN, false, 0);
        int rows = 40_000;
        MaskSample sample = objective.drawMask(rows, L, new Rng(8));
        double loss = 0;
        double masked = 0;
        for (int b = 0; b < rows; b++) {
            loss += S[maskBits(sample.masked(), b)];
            masked += sample.maskedCount(b);
        }
        assertThat(lossOver(objective, sample, rows)).isCloseTo(loss / masked, within(1e-4 * loss / masked));
        // Its large-batch limit is E[S(M)] / E[|M|] under the paper's mask distribution.
        double expectedLoss = 0;
        double expectedCount = 0;
        for (int bits = 1; bits < 1 << L; bits++) {
            double p = paperProbability(bits);
            expectedLoss += p * S[bits];
            expectedCount += p * Integer.bitCount(bits);
        }
        assertThat(loss / masked).isCloseTo(expectedLoss / expectedCount, within(0.02 * expectedLoss / expectedCount));
    }

    /** E of the variant's per-sequence value w(M) S(M), from the references' formulas (nats per sequence). */
    private static double expectation(DiffusionVariant variant) {
        double total = 0;
        for (int bits = 1; bits < 1 << L; bits++) {
            int m = Integer.bitCount(bits);
            total += S[bits] * switch (variant) {
                // P(M) = int t^m (1-t)^(L-m) dt, plus the forced single mask of an empty draw; w = L / m
                case PAPER -> paperProbability(bits) * L / m;
                // l uniform on {1..L}, then a uniform l-subset; w = L / l
                case LLADA_EVAL -> 1.0 / L / binomial(L, m) * L / m;
                // p = (1 - eps) t + eps, t ~ U(0,1); P(M | p) = p^m (1-p)^(L-m); w = 1 / p
                case LLADA -> integrate(t -> {
                    double p = (1 - EPS) * t + EPS;
                    return Math.pow(p, m - 1) * Math.pow(1 - p, L - m);
                }, 0, 1);
                // t ~ U[eps, 1) (density 1/(1-eps)); P(M | t) = q^m (1-q)^(L-m) with q = (1 - eps) t; w = 1 / t
                case MDLM -> integrate(t -> {
                    double q = (1 - EPS) * t;
                    return Math.pow(q, m) * Math.pow(1 - q, L - m) / t;
                }, EPS, 1) / (1 - EPS);
                case MASKED_MEAN -> throw new IllegalArgumentException("masked-mean is a ratio, not a mean of w S");
            };
        }
        return total;
    }

    /** The paper's P(M): int_0^1 t^m (1-t)^(L-m) dt, plus (1/L) int (1-t)^L dt for a single mask. */
    private static double paperProbability(int bits) {
        int m = Integer.bitCount(bits);
        double p = 1.0 / ((L + 1) * binomial(L, m));
        return m == 1 ? p + 1.0 / (L + 1) / L : p;
    }

    private static double elbo() {
        double sum = 0;
        for (int l = 1; l <= L; l++) {
            sum += h(l);
        }
        return sum;
    }

    /** h(l): the mean over masks with l positions of S(M) / l. */
    private static double h(int l) {
        double sum = 0;
        for (int bits = 1; bits < 1 << L; bits++) {
            if (Integer.bitCount(bits) == l) {
                sum += S[bits] / l;
            }
        }
        return sum / binomial(L, l);
    }

    /** A random bidirectional model with weights normal(0, 1.5^2): sharp attention, so losses depend on the mask. */
    private static Transformer contextDependentModel() {
        Transformer model = ObjectiveTestData.randomModel(VOCAB, L, false, 0f, 11);
        for (var parameter : model.parameters()) {
            float[] data = parameter.data();
            for (int i = 0; i < data.length; i++) {
                data[i] *= 3;
            }
        }
        return model;
    }

    /** S(M) for all 2^L masks from one batch of 2^L rows. */
    private static double[] maskedLossSums() {
        int rows = 1 << L;
        int[] noisy = new int[rows * L];
        for (int bits = 0; bits < rows; bits++) {
            for (int i = 0; i < L; i++) {
                noisy[bits * L + i] = (bits >> i & 1) == 1 ? MASK : X0[i];
            }
        }
        float[] logits;
        try (var scope = Tensor.noGrad()) {
            logits = MODEL.forward(noisy, rows, L, null).data();   // (2^L, L, V)
        }
        double[] sums = new double[rows];
        for (int bits = 0; bits < rows; bits++) {
            for (int i = 0; i < L; i++) {
                if ((bits >> i & 1) == 1) {
                    sums[bits] += ObjectiveTestData.crossEntropy(logits, bits * L + i, VOCAB, X0[i]);
                }
            }
        }
        return sums;
    }

    /** The objective's loss on {@code rows} copies of X0 with the sample's masks and weights. */
    private static double lossOver(MaskedDiffusion objective, MaskSample sample, int rows) {
        int[] x0 = new int[rows * L];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(X0, 0, x0, b * L, L);
        }
        try (var scope = Tensor.noGrad()) {
            return objective.loss(MODEL, x0, sample, null).item();
        }
    }

    private static int maskBits(boolean[] masked, int row) {
        int bits = 0;
        for (int i = 0; i < L; i++) {
            bits |= masked[row * L + i] ? 1 << i : 0;
        }
        return bits;
    }

    private static double binomial(int n, int k) {
        double result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }

    /** Composite Simpson's rule with 20,000 intervals (the integrands here are low-degree polynomials). */
    private static double integrate(DoubleUnaryOperator f, double from, double to) {
        int n = 20_000;
        double width = (to - from) / n;
        double sum = f.applyAsDouble(from) + f.applyAsDouble(to);
        for (int i = 1; i < n; i++) {
            sum += f.applyAsDouble(from + i * width) * (i % 2 == 1 ? 4 : 2);
        }
        return sum * width / 3;
    }
}
