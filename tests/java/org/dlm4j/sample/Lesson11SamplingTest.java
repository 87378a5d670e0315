package org.dlm4j.sample;

import org.dlm4j.exercise.Expect;
import org.dlm4j.exercise.LessonTest;
import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.Transformer;
import org.dlm4j.model.TransformerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lesson 11, sampling: attention over the KV cache ({@link KvCacheDecoder}), low-confidence remasking
 * ({@link DiffusionSampler}) and the steps of semi-autoregressive blocks ({@link RevealSchedule}).
 * See lessons/11-sampling.
 */
@LessonTest
@Tag("L11")
class Lesson11SamplingTest {

    // ---- L11.1 the KV cache ----

    @Test
    @Tag("L11.1")
    void theCachedDecoderGivesTheFullForwardsLogitsAtEveryPosition() {
        for (PositionEncoding positions : PositionEncoding.values()) {
            TransformerConfig config = SampleTestModels.causal().withPositions(positions);
            Transformer model = SampleTestModels.random(config, 21, 0.3f);
            NextTokenModel cached = new KvCacheDecoder(model);
            NextTokenModel full = new FullForwardDecoder(model);
            int[] prompt = {3, 17, 5};
            Expect.close("logits after the prompt " + java.util.Arrays.toString(prompt) + " (" + positions.configName()
                    + " positions)", full.start(prompt), cached.start(prompt), 1e-4, 1e-4, "a prompt of 3 rows: row i"
                    + " attends to the cached rows 0..length+i, never to a later one");
            int[] feed = {1, 38, 0, 22, 22, 9};
            for (int k = 0; k < feed.length; k++) {
                Expect.close("logits after " + (k + 1) + " more token(s) (" + positions.configName() + " positions)",
                        full.next(feed[k]), cached.next(feed[k]), 1e-4, 1e-4, "the new row is at position length;"
                                + " it attends to length + 1 cached keys; head h's keys start at h·T_max·hs");
            }
        }
    }

    // ---- L11.2 low-confidence remasking ----

    @Test
    @Tag("L11.2")
    void theKMostConfidentPredictionsAreRevealedTiesToTheLeft() {
        Expect.equal("2 most confident of [0.1, 0.9, 0.5, 0.9]", new int[] {1, 3},
                DiffusionSampler.mostConfident(new double[] {0.1, 0.9, 0.5, 0.9}, 2),
                "largest first; among equal confidences the lower index first");
        Expect.equal("3 most confident of [0.2, 0.7, 0.4, 0.1]", new int[] {1, 2, 0},
                DiffusionSampler.mostConfident(new double[] {0.2, 0.7, 0.4, 0.1}, 3), "largest first");
        Expect.equal("5 most confident of [0.3, 0.6]", new int[] {1, 0},
                DiffusionSampler.mostConfident(new double[] {0.3, 0.6}, 5), "k larger than the candidates: all of them");
    }

    // ---- L11.3 semi-autoregressive blocks ----

    @Test
    @Tag("L11.3")
    void extraStepsGoToTheBlockWithTheMostPositionsPerStep() {
        Expect.equal("steps for blocks of 4, 4, 2 positions in 5 steps", new int[] {2, 2, 1},
                RevealSchedule.stepsPerBlock(new int[] {4, 4, 2}, 5), "one step each, then 4/1 = 4/1 > 2/1: block 0"
                        + " (the lower of a tie); then 4/2 < 4/1: block 1");
        Expect.equal("steps for blocks of 4, 4, 2 positions in 3 steps", new int[] {1, 1, 1},
                RevealSchedule.stepsPerBlock(new int[] {4, 4, 2}, 3), "every block gets one step first");
        Expect.equal("steps for blocks of 5, 1 in 6 steps", new int[] {5, 1},
                RevealSchedule.stepsPerBlock(new int[] {5, 1}, 6),
                "a block never gets more steps than positions: it would reveal nothing at some step");
        Expect.equal("steps for one block of 6 in 4 steps", new int[] {4},
                RevealSchedule.stepsPerBlock(new int[] {6}, 4), null);
    }
}
