package dev.elasticcache.samples.chat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.EmbeddedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The model the sample's tests run: the app's embedded {@code tiny-llada-tools} when elastic-cache-core ships it,
 * else a small random LLaDA checkpoint written under {@code target/} (gibberish answers, but every endpoint works).
 */
final class TestModels {
    private static final Path RANDOM = Path.of("target", "test-models", "random-tiny-llada").toAbsolutePath();

    private TestModels() {}

    static boolean embeddedModelPresent() {
        return TestModels.class.getClassLoader()
                .getResource(EmbeddedModel.resourceFolder(EmbeddedModel.TOOLS_NAME) + "config.json") != null;
    }

    static synchronized Path randomModel() {
        if (!Files.isRegularFile(RANDOM.resolve("config.json"))) {
            RandomCheckpoint.write(RANDOM, RandomCheckpoint.tinyConfig().build(), 7, DType.F32, 1);
        }
        return RANDOM;
    }

    /** Points the app at the random model when the embedded one is not shipped. */
    static void register(DynamicPropertyRegistry registry) {
        if (!embeddedModelPresent()) {
            registry.add("spring.ai.elastic-cache.embedded-model", () -> "");
            registry.add("spring.ai.elastic-cache.model-dir", () -> randomModel().toString());
        }
    }
}
