package dev.elasticcache.spring.ai;

import dev.elasticcache.engine.GenerationResult;

/**
 * Told about every generation that an {@link ElasticCacheChatModel} completes (calls and streams), for
 * example to record meters. Runs on the thread that finished the generation: keep it cheap. A listener that
 * throws is logged and does not fail the chat call.
 */
@FunctionalInterface
public interface GenerationStatsListener {

    void onGeneration(GenerationResult result);
}
