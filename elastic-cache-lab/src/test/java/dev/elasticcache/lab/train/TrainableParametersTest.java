package dev.elasticcache.lab.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.elasticcache.DjlDefaults;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainableParametersTest {

    private static double step(TrainableParameters p, float factor) {
        try (NDManager scope = p.newScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray w = p.get("w");
                collector.backward(w.mul(scope.create(new float[] {factor, factor, factor})).sum());
            }
            return p.applyGradients(0.1, 1.0, 0.0);
        }
    }

    @Test
    void aNonFiniteGradientChangesNothingAndDoesNotPoisonLaterSteps() {
        DjlDefaults.apply();
        float[] start = {1f, 2f, 3f};
        try (TrainableParameters p = new TrainableParameters(Map.of("w", new long[] {3}), Map.of("w", start), 0.9, 0.98)) {
            assertThat(step(p, Float.NaN)).isNaN();
            assertThat(p.values().get("w")).containsExactly(start);
            double norm = step(p, 1f);
            assertThat(norm).isCloseTo(Math.sqrt(3), org.assertj.core.data.Offset.offset(1e-6));
            float[] after = p.values().get("w");
            for (int i = 0; i < 3; i++) {
                assertThat(after[i]).isFinite().isLessThan(start[i]);
            }
        }
    }
}
