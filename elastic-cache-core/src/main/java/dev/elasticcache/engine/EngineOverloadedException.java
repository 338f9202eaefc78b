package dev.elasticcache.engine;

import java.time.Duration;

/**
 * The request was refused at once because the engine's queue is full. Nothing was started; retry later
 * (HTTP servers map this to 429 or 503 with {@code Retry-After}; {@link #retryAfter()} is about one generation's
 * time per request ahead).
 */
public final class EngineOverloadedException extends EngineRefusedException {
    public EngineOverloadedException(int queueCapacity, Duration retryAfter) {
        super("elastic-cache engine overloaded: " + queueCapacity + " requests already waiting; retry after "
                + retryAfter.toSeconds() + " s or raise the queue capacity (spring.ai.elastic-cache.queue-capacity)",
                retryAfter);
    }
}
