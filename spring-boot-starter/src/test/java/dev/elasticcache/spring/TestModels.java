package dev.elasticcache.spring;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.tokenizer.DreamTokenizerFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.elasticcache.engine.EmbeddedModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model the tests run: the embedded model shipped in elastic-cache-core when it is on the classpath,
 * otherwise a small random LLaDA checkpoint (gibberish text, but the whole pipeline runs).
 */
public final class TestModels {
    private static final Path RANDOM = Path.of("target", "test-models", "random-tiny-llada").toAbsolutePath();
    private static final Path RANDOM_DREAM = Path.of("target", "test-models", "random-tiny-dream").toAbsolutePath();

    private TestModels() {}

    /** Whether elastic-cache-core ships its embedded model (used by {@code @EnabledIf}). */
    public static boolean embeddedModelPresent() {
        return TestModels.class.getClassLoader().getResource(EmbeddedModel.RESOURCE_FOLDER + "config.json") != null;
    }

    public static boolean embeddedModelAbsent() {
        return !embeddedModelPresent();
    }

    /** A random model folder, written once per build. */
    public static synchronized Path randomModel() {
        if (!Files.isRegularFile(RANDOM.resolve("config.json"))) {
            RandomCheckpoint.write(RANDOM, RandomCheckpoint.tinyConfig().build(), 42, DType.F32, 1);
        }
        return RANDOM;
    }

    /** A random Dream folder (GQA, ChatML chat_template, the tiny Qwen2-style tokenizer), written once per build. */
    public static synchronized Path randomDreamModel() {
        if (!Files.isRegularFile(RANDOM_DREAM.resolve("config.json"))) {
            DreamConfig config = RandomDreamCheckpoint.tinyConfig().maskTokenId(DreamTokenizerFiles.MASK)
                    .eosTokenId(DreamTokenizerFiles.ENDOFTEXT).padTokenId(DreamTokenizerFiles.ENDOFTEXT)
                    .bosTokenId(DreamTokenizerFiles.ENDOFTEXT).build();
            try {
                DreamTokenizerFiles.writeTokenizerJson(RANDOM_DREAM, DreamTokenizerFiles.CHATML_TEMPLATE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // config.json last: its presence means the folder is complete.
            RandomDreamCheckpoint.write(RANDOM_DREAM, config, 42, DType.F32, 1);
        }
        return RANDOM_DREAM;
    }

    /**
     * Properties selecting the test model: none (the default, embedded model) when it is shipped, else
     * {@code spring.ai.elastic-cache.model-dir} pointing at the random one.
     */
    public static String[] modelProperties() {
        return embeddedModelPresent() ? new String[0]
                : new String[] {"spring.ai.elastic-cache.model-dir=" + randomModel()};
    }
}
