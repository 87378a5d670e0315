package org.dlm4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.dlm4j.kernels.Rng;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.DiffusionVariant;
import org.dlm4j.objective.MaskSample;
import org.dlm4j.objective.MaskedDiffusion;
import org.dlm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The batched scorers against one-at-a-time computations on a random (untrained) bidirectional model. */
class SpanScorerTest {
    private static final int V = 11;
    private static final int MASK = 10;
    private static final int N = 12;
    private static final Transformer MODEL = model();
    private static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};

    private static Transformer model() {
        var model = new Transformer(new TransformerConfig(V, N, 16, 2, 2, 2, 0f, false, true, false,
                PositionEncoding.LEARNED), new Rng(9));
        model.train(false);
        return model;
    }

    /** -log p(tokens[position]) from one unbatched forward of {@code input}. */
    private static double nllAt(int[] input, int position) {
        Tensor logProbs = MODEL.forward(input, 1, input.length, null).logSoftmax(); // (1, n, V)
        return -logProbs.data()[position * V + TOKENS[position]];
    }

    @Test
    void chainRuleBatchEqualsOnePassPerPosition() {
        int from = 4;
        double[] batched = SpanScorer.chainRule(MODEL, MASK, TOKENS, from);
        assertThat(batched).hasSize(N - from);
        for (int i = from; i < N; i++) {
            int[] input = TOKENS.clone();
            for (int j = i; j < N; j++) {
                input[j] = MASK;
            }
            assertThat(batched[i - from]).as("position " + i).isCloseTo(nllAt(input, i), within(1e-5));
        }
    }

    @Test
    void aSingleMaskedTokenIsExactWithOneSample() {
        int from = N - 1;
        int[] input = TOKENS.clone();
        input[from] = MASK;
        double exact = nllAt(input, from);
        assertThat(SpanScorer.chainRule(MODEL, MASK, TOKENS, from)[0]).isCloseTo(exact, within(1e-5));
        for (Estimator estimator : new Estimator[] {Estimator.PAPER, Estimator.LLADA_EVAL}) {
            MaskDraw draw = MaskDraw.draw(estimator, 1, false, 1, new Rng(4));
            assertThat(draw.weights()).containsExactly(1.0);
            assertThat(SpanScorer.bound(MODEL, MASK, TOKENS, from, draw)[0]).isCloseTo(exact, within(1e-5));
        }
    }

    @Test
    void paperBoundSamplesAverageToTheObjectivesLossForTheSameMasks() {
        int samples = 6;
        MaskDraw draw = MaskDraw.draw(Estimator.PAPER, samples, false, N, new Rng(21));
        double[] values = SpanScorer.bound(MODEL, MASK, TOKENS, 0, draw);

        var diffusion = new MaskedDiffusion(MASK, DiffusionVariant.PAPER, false, 0);
        MaskSample sample = diffusion.weigh(draw.masked(), null, samples, N);
        int[] x0 = new int[samples * N];
        for (int k = 0; k < samples; k++) {
            System.arraycopy(TOKENS, 0, x0, k * N, N);
        }
        double loss;
        try (var scope = Tensor.noGrad()) {
            loss = diffusion.loss(MODEL, x0, sample, null).item();    // sum_k w_k sum CE / (K N)
        }
        assertThat(LikelihoodEvaluator.mean(values) / N).isCloseTo(loss, within(1e-5));
    }

    @Test
    void masksFollowTheirEstimatorsRules() {
        int length = 20;
        MaskDraw llada = MaskDraw.draw(Estimator.LLADA_EVAL, 8, false, length, new Rng(2));
        MaskDraw paper = MaskDraw.draw(Estimator.PAPER, 8, true, length, new Rng(2));
        for (int k = 0; k < 8; k++) {
            int lladaCount = count(llada.masked(), k, length);
            // stratified: l_k = 1 + floor(t_k L) with t_k in [k/8, (k+1)/8)
            assertThat(lladaCount).isBetween(1 + k * length / 8, Math.min(length, 1 + (k + 1) * length / 8));
            assertThat(llada.weights()[k]).isEqualTo((double) length / lladaCount);
            assertThat(paper.weights()[k]).isEqualTo((double) length / count(paper.masked(), k, length));
        }
        // antithetic partners reverse the uniforms: complementary masks (unless one row had to force a mask)
        for (int j = 0; j < 4; j++) {
            int first = count(paper.masked(), 2 * j, length);
            int second = count(paper.masked(), 2 * j + 1, length);
            if (first < length && second < length) {
                assertThat(first + second).isEqualTo(length);
            }
        }
    }

    private static int count(boolean[] masked, int row, int length) {
        int count = 0;
        for (int i = row * length; i < (row + 1) * length; i++) {
            count += masked[i] ? 1 : 0;
        }
        return count;
    }
}
