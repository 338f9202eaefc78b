package dev.elasticcache.langchain4j;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One random tiny LLaDA checkpoint (3 layers, d=32, byte-level tokenizer) and one engine on it, shared by all
 * test classes of this JVM. Its text is gibberish, but tokenizer, chat template, decoder, streaming, statistics
 * and stop sequences all run for real.
 */
final class TestEngines {
    static final long SEED = 7;
    private static Path folder;
    private static ElasticCacheEngine shared;

    private TestEngines() {}

    static synchronized Path checkpoint() {
        if (folder == null) {
            try {
                Path dir = Files.createTempDirectory("ec-lc4j-tiny-llada");
                folder = RandomCheckpoint.write(dir, RandomCheckpoint.tinyConfig().maxSequenceLength(1024).build(), SEED,
                        DType.F32, 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    /** The shared engine (queue of 16, closed when the JVM exits). */
    static synchronized ElasticCacheEngine shared() {
        if (shared == null) {
            shared = ElasticCacheEngine.load(EngineConfig.builder().modelDir(checkpoint()).build());
            ElasticCacheEngine engine = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        }
        return shared;
    }
}
