package dev.elasticcache.engine;

import dev.elasticcache.decode.Strategy;
import java.time.Duration;

/**
 * Hears what the engine does with every request, whichever door it came through (Spring AI, LangChain4j, the
 * engine API): metrics bind here ({@link ElasticCacheEngine#observe}). Called on the engine's threads: keep it
 * quick and never throw.
 */
public interface EngineObserver {
    /** Why a request was refused before it started. */
    enum Refusal { OVERLOADED, DRAINING, INVALID }

    /** A request was refused at once (nothing started). */
    default void refused(Refusal reason) {}

    /** A request decoded with {@code strategy} streamed its first answer text, {@code sinceSubmit} after submission. */
    default void firstText(Strategy strategy, Duration sinceSubmit) {}

    /** A request completed, {@code sinceSubmit} after it was submitted (queueing included). */
    default void completed(GenerationResult result, Duration sinceSubmit) {}

    /** A request that had been admitted failed (timeout, cancellation, error). */
    default void failed(Throwable error) {}
}
