package dev.elasticcache.samples.chat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.EmbeddedModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model the sample's tests run: the embedded {@code tiny-llada} when elastic-cache-core ships it, else a
 * small random LLaDA checkpoint written under {@code target/} (gibberish answers, but every endpoint works).
 */
final class TestModels {
    private static final Path RANDOM = Path.of("target", "test-models", "random-tiny-llada").toAbsolutePath();

    private TestModels() {}

    static boolean embeddedModelPresent() {
        return TestModels.class.getClassLoader().getResource(EmbeddedModel.RESOURCE_FOLDER + "config.json") != null;
    }

    /**
     * Whether the model the app loads ({@code modelDir}, or the embedded one when null) was trained on these task
     * families ({@code json}, {@code tool}, {@code tool-answer}, ...): its {@code training.json} names them under
     * {@code tasks} or {@code family_weights}. Tests of what a model knows (not of the mechanism, which works on any
     * weights) run only then.
     */
    static boolean modelKnows(String modelDir, String... families) {
        try (InputStream in = modelDir == null || modelDir.isBlank()
                ? TestModels.class.getClassLoader().getResourceAsStream(EmbeddedModel.RESOURCE_FOLDER + "training.json")
                : Files.newInputStream(Path.of(modelDir, "training.json"))) {
            if (in == null) {
                return false;
            }
            JsonNode training = JsonMapper.builder().build().readTree(in);
            Set<String> known = new HashSet<>();
            Arrays.stream(training.path("tasks").asString("").split(",")).map(String::strip).forEach(known::add);
            known.addAll(training.path("family_weights").propertyNames());
            return known.containsAll(List.of(families));
        } catch (IOException | RuntimeException e) {
            return false;
        }
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
            registry.add("spring.ai.elastic-cache.model-dir", () -> randomModel().toString());
        }
    }
}
