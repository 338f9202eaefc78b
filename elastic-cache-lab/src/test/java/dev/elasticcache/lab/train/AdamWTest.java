package dev.elasticcache.lab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstTheGradient() {
        AdamW adam = new AdamW(new int[] {3}, new boolean[] {false}, 0.9, 0.98, 1e-8);
        adam.beginStep();
        float[] delta = adam.update(0, new float[] {2f, -0.5f, 0f}, new float[] {1f, 1f, 1f}, 0.01, 0.1);
        assertThat(delta[0]).isCloseTo(0.01f, within(1e-6f));
        assertThat(delta[1]).isCloseTo(-0.01f, within(1e-6f));
        assertThat(delta[2]).isZero();
    }

    @Test
    void decoupledWeightDecayAppliesOnlyWhereEnabled() {
        AdamW adam = new AdamW(new int[] {1, 1}, new boolean[] {true, false}, 0.9, 0.98, 1e-8);
        adam.beginStep();
        float[] decayed = adam.update(0, new float[] {0f}, new float[] {2f}, 0.01, 0.1);
        float[] kept = adam.update(1, new float[] {0f}, new float[] {2f}, 0.01, 0.1);
        assertThat(decayed[0]).isCloseTo(0.01f * 0.1f * 2f, within(1e-7f));
        assertThat(kept[0]).isZero();
    }

    @Test
    void scheduleWarmsUpThenDecaysByCosine() {
        assertThat(AdamW.schedule(0, 10, 110, 1.0, 0.1)).isCloseTo(0.1, within(1e-12));
        assertThat(AdamW.schedule(9, 10, 110, 1.0, 0.1)).isCloseTo(1.0, within(1e-12));
        assertThat(AdamW.schedule(10, 10, 110, 1.0, 0.1)).isCloseTo(1.0, within(1e-12));
        assertThat(AdamW.schedule(60, 10, 110, 1.0, 0.1)).isCloseTo(0.55, within(1e-12));
        assertThat(AdamW.schedule(110, 10, 110, 1.0, 0.1)).isCloseTo(0.1, within(1e-12));
        assertThat(AdamW.schedule(500, 10, 110, 1.0, 0.1)).isCloseTo(0.1, within(1e-12));
    }
}
