package dev.elasticcache.lab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskingObjectiveTest {
    private static final int MASK = 258;
    private static final int EOS = 257;
    private static final int EOT = 261;

    @Test
    void cleanSequenceIsPromptAnswerEndOfTurnThenEosPadding() {
        int[] seq = MaskingObjective.cleanSequence(new int[] {1, 2, 3}, new int[] {7, 8}, EOT, EOS, 6);
        assertThat(seq).containsExactly(1, 2, 3, 7, 8, EOT, EOS, EOS, EOS);
        assertThatThrownBy(() -> MaskingObjective.cleanSequence(new int[] {1}, new int[] {7, 8, 9}, EOT, EOS, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void promptIsNeverMaskedAndMaskedPositionsCarryOneOverPTimesResponseLength() {
        MaskingObjective objective = new MaskingObjective(MASK, 1e-3);
        Random random = new Random(3);
        int[] clean = new int[40];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = i % 200;
        }
        int prompt = 12;
        for (int trial = 0; trial < 500; trial++) {
            MaskedSequence s = objective.mask(clean, prompt, random);
            double p = s.maskProbability();
            float expectedWeight = (float) (1.0 / (p * (clean.length - prompt)));
            assertThat(s.targets()).containsExactly(clean);
            for (int i = 0; i < clean.length; i++) {
                boolean masked = s.input()[i] == MASK;
                if (i < prompt) {
                    assertThat(masked).isFalse();
                    assertThat(s.weights()[i]).isZero();
                } else if (masked) {
                    assertThat(s.weights()[i]).isEqualTo(expectedWeight);
                } else {
                    assertThat(s.input()[i]).isEqualTo(clean[i]);
                    assertThat(s.weights()[i]).isZero();
                }
            }
        }
    }

    @Test
    void maskingProbabilityFollowsT() {
        MaskingObjective objective = new MaskingObjective(MASK, 1e-3);
        int[] clean = new int[4010];
        Arrays.fill(clean, 5);
        MaskedSequence low = objective.mask(clean, 10, 0.1, new Random(1));
        MaskedSequence high = objective.mask(clean, 10, 0.9, new Random(1));
        assertThat(low.maskProbability()).isCloseTo(0.999 * 0.1 + 1e-3, within(1e-12));
        assertThat(low.maskedCount() / 4000.0).isCloseTo(low.maskProbability(), within(0.02));
        assertThat(high.maskedCount() / 4000.0).isCloseTo(high.maskProbability(), within(0.02));
        assertThat(objective.mask(clean, 10, 0.0, new Random(1)).maskProbability()).isEqualTo(1e-3);
    }

    @Test
    void weightedLossIsAnUnbiasedEstimateOfTheMeanResponseCrossEntropy() {
        // With a per-token cross-entropy c_i on the response, E[sum_masked c_i / (p L)] = mean(c_i) for every t.
        MaskingObjective objective = new MaskingObjective(MASK, 1e-3);
        int prompt = 5;
        int[] clean = new int[45];
        double[] ce = new double[clean.length];
        double mean = 0;
        for (int i = 0; i < clean.length; i++) {
            ce[i] = i < prompt ? 100 : 0.5 + (i % 7) * 0.25; // prompt CE must never count
            if (i >= prompt) {
                mean += ce[i] / (clean.length - prompt);
            }
        }
        Random random = new Random(11);
        for (double t : new double[] {0.05, 0.5, 1.0}) {
            double sum = 0;
            int n = 40_000;
            for (int k = 0; k < n; k++) {
                sum += MaskingObjective.loss(objective.mask(clean, prompt, t, random), ce);
            }
            assertThat(sum / n).as("t = %s", t).isCloseTo(mean, within(mean * 0.03));
        }
    }

    @Test
    void rejectsBadArguments() {
        MaskingObjective objective = new MaskingObjective(MASK);
        assertThatThrownBy(() -> objective.mask(new int[] {1, 2}, 2, 0.5, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> objective.mask(new int[] {1, 2}, 1, 1.5, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MaskingObjective(MASK, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
