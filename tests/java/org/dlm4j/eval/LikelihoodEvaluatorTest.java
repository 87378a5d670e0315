package org.dlm4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.Autoregressive;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.ObjectiveOptions;
import org.dlm4j.objective.Objectives;
import org.junit.jupiter.api.Test;

/**
 * Known answers: a model that predicts a fixed p (whatever its input) on i.i.d. data from p. Given
 * the data, every estimator's expectation is the data's empirical NLL under p, sum_i -log p(x_i)
 * per window: exact for AR and the chain rule; for the bounds because E[w sum_{i in M} c_i] =
 * sum_i c_i for each weighting (paper: L/m times m tokens of a uniform m-subset; llada likewise;
 * mdlm: (1/t) times each token masked with probability t). Over the data that is H(p) per token.
 */
class LikelihoodEvaluatorTest {
    private static final int MASK = 5;
    private static final int T = 16;
    private static final int WINDOWS = 48;
    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, -0.5f, -1.5f, -100f}; // id 5 is the mask id
    private static final double[] P = FixedDistributionModel.probabilities(LOGITS);
    private static final int[] DATA = FixedDistributionModel.sample(P, WINDOWS * T + 1, new Rng(7));

    private static final Objective AR = Objectives.create("ar", ObjectiveOptions.defaults(MASK));
    private static final Objective DIFFUSION = Objectives.create("diffusion", ObjectiveOptions.defaults(MASK));
    private static final Transformer AR_MODEL = FixedDistributionModel.of(LOGITS, T, true);
    private static final Transformer DLM_MODEL = FixedDistributionModel.of(LOGITS, T, false);

    private static LikelihoodOptions options(Estimator estimator, int samples) {
        return LikelihoodOptions.defaults().withEstimator(estimator).withSamples(samples).withSeed(11);
    }

    @Test
    void arExactNllIsTheEmpiricalNllAndNearTheEntropy() {
        LikelihoodResult result = LikelihoodEvaluator.evaluate(AR_MODEL, AR, DATA, options(null, 1));
        assertThat(result.estimator()).isEqualTo(Estimator.EXACT);
        assertThat(result.exact()).isTrue();
        assertThat(result.tokens()).isEqualTo((long) WINDOWS * T);
        assertThat(result.nllPerToken()).isCloseTo(FixedDistributionModel.empiricalNll(P, DATA, 1, WINDOWS * T + 1),
                within(1e-6));
        double entropy = FixedDistributionModel.entropy(P);
        assertThat(result.nllPerToken()).isCloseTo(entropy, within(4 * result.standardError()));
        assertThat(result.bitsPerToken()).isCloseTo(result.nllPerToken() / Math.log(2), within(1e-12));
        assertThat(result.perplexity()).isCloseTo(Math.exp(result.nllPerToken()), within(1e-9));
        assertThat(result.monteCarloError()).isZero();
    }

    @Test
    void chainRuleIsTheEmpiricalNll() {
        LikelihoodResult result = LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA,
                options(Estimator.CHAIN_RULE, 1));
        assertThat(result.exact()).isTrue();
        assertThat(result.nllPerToken()).isCloseTo(FixedDistributionModel.empiricalNll(P, DATA, 0, WINDOWS * T),
                within(1e-6));
    }

    @Test
    void everyBoundIsUnbiasedForTheEmpiricalNll() {
        double empirical = FixedDistributionModel.empiricalNll(P, DATA, 0, WINDOWS * T);
        for (Estimator estimator : new Estimator[] {Estimator.PAPER, Estimator.LLADA, Estimator.LLADA_EVAL, Estimator.MDLM}) {
            for (boolean antithetic : new boolean[] {false, true}) {
                LikelihoodResult result = LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA,
                        options(estimator, 16).withAntithetic(antithetic));
                assertThat(result.exact()).isFalse();
                assertThat(result.monteCarloError()).as(estimator + " MC error").isPositive();
                assertThat(result.nllPerToken()).as(estimator + (antithetic ? " antithetic" : ""))
                        .isCloseTo(empirical, within(4 * result.monteCarloError()));
            }
        }
    }

    @Test
    void boundMeanDoesNotDependOnKAndItsErrorShrinksLikeOneOverRootK() {
        double empirical = FixedDistributionModel.empiricalNll(P, DATA, 0, WINDOWS * T);
        for (Estimator estimator : new Estimator[] {Estimator.PAPER, Estimator.LLADA_EVAL}) {
            LikelihoodResult four = LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA, options(estimator, 4));
            LikelihoodResult many = LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA, options(estimator, 64));
            assertThat(four.nllPerToken()).isCloseTo(empirical, within(4 * four.monteCarloError()));
            assertThat(many.nllPerToken()).isCloseTo(empirical, within(4 * many.monteCarloError()));
            // sqrt(64 / 4) = 4
            assertThat(four.monteCarloError() / many.monteCarloError()).as(estimator.label()).isBetween(3.2, 5.0);
        }
    }

    @Test
    void arExactMatchesTheObjectivesValidationLoss() {
        var config = new TransformerConfig(6, T, 16, 2, 2, 2, 0f, true, true, false, PositionEncoding.LEARNED);
        var model = new Transformer(config, new Rng(3));
        int windows = 5;
        int[] batch = new int[windows * (T + 1)];
        for (int w = 0; w < windows; w++) {
            System.arraycopy(DATA, w * T, batch, w * (T + 1), T + 1);
        }
        double expected = ((Autoregressive) AR).evaluate(model, batch, windows, T, new Rng(0));
        LikelihoodResult result = LikelihoodEvaluator.evaluate(model, AR, DATA,
                options(null, 1).withMaxTokens(windows * T));
        assertThat(result.windows()).isEqualTo(windows);
        assertThat(result.nllPerToken()).isCloseTo(expected, within(1e-5));
    }

    @Test
    void sameSeedSameNumbers() {
        LikelihoodOptions options = options(Estimator.LLADA_EVAL, 4);
        assertThat(LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA, options))
                .isEqualTo(LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA, options));
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> options(Estimator.PAPER, 0)).hasMessageContaining("samples (K) must be positive");
        assertThatThrownBy(() -> options(Estimator.PAPER, 3).withAntithetic(true)).hasMessageContaining("even");
        assertThatThrownBy(() -> LikelihoodEvaluator.evaluate(AR_MODEL, AR, DATA, options(Estimator.CHAIN_RULE, 1)))
                .hasMessageContaining("AR checkpoint already has an exact NLL");
        assertThatThrownBy(() -> LikelihoodEvaluator.evaluate(DLM_MODEL, DIFFUSION, DATA, options(Estimator.EXACT, 1)))
                .hasMessageContaining("'exact' is for AR models");
        assertThatThrownBy(() -> LikelihoodEvaluator.evaluate(AR_MODEL, AR, new int[] {0, 1, 9, 2}, options(null, 1)))
                .hasMessageContaining("id 9 at position 2, outside the model's vocabulary [0, 6)");
        assertThatThrownBy(() -> LikelihoodEvaluator.evaluate(AR_MODEL, AR, new int[T], options(null, 1)))
                .hasMessageContaining("fewer than one window of " + (T + 1));
        assertThatThrownBy(() -> LikelihoodEvaluator.evaluate(AR_MODEL, DIFFUSION, DATA, options(Estimator.PAPER, 2)))
                .hasMessageContaining("needs a bidirectional model");
    }
}
