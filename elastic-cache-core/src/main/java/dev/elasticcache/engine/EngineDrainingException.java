package dev.elasticcache.engine;

import java.time.Duration;

/**
 * The request was refused because the engine is draining before shutdown: it finishes what it has admitted and
 * admits nothing new. Nothing was started; another instance can take it (HTTP servers answer 503 with
 * {@code Retry-After}, which load balancers retry elsewhere).
 */
public final class EngineDrainingException extends EngineRefusedException {
    public EngineDrainingException(Duration retryAfter) {
        super("elastic-cache engine is shutting down and admits no new requests; send it to another instance", retryAfter);
    }
}
