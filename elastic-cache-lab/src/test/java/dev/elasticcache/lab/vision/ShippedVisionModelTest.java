package dev.elasticcache.lab.vision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded vision-language model reads held-out images through the engine, with the baseline and with
 * Elastic-Cache (a guard against shipping an untrained or mis-loaded model, and against a cache that costs
 * accuracy), and the two embedded models fit the size budget.
 */
class ShippedVisionModelTest {
    /** Held-out images scored here (the full measurement, 200 images, is in the model's training.json). */
    private static final int TASKS = 40;

    @Test
    void readsHeldOutImagesWithTheBaselineAndWithElasticCache() {
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder()
                .embeddedModel(EmbeddedModel.VISION_NAME).maxBatchSize(1).build())) {
            assertThat(engine.acceptsImages()).isTrue();
            assertThat(engine.modelInfo().name()).isEqualTo(EmbeddedModel.VISION_NAME);
            assertThat(engine.modelInfo().card().families()).containsExactly("read-image");
            List<ReadingTask> tasks = ReadingTask.evaluation(48, TASKS, 0x5EED_E7A1L);
            for (String strategy : List.of("llada", "elastic")) {
                ReadingEvaluation e = ReadingEvaluation.run(engine, tasks, ReadingEvaluation.options(strategy));
                assertThat(e.accuracy()).as(strategy + " misses " + e.misses()).isGreaterThanOrEqualTo(0.9);
            }
        }
    }

    @Test
    void theEmbeddedModelsTogetherStayWithinFortyMegabytes() throws Exception {
        long bytes = 0;
        for (String name : EmbeddedModel.NAMES) {
            try (var files = Files.list(EmbeddedModel.folder(name))) {
                for (Path f : files.toList()) {
                    bytes += Files.size(f);
                }
            }
        }
        assertThat(bytes).isLessThanOrEqualTo(40L * 1024 * 1024);
    }
}
