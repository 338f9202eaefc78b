package dev.elasticcache.engine;

import java.time.Duration;

/** The request did not finish within its timeout; its decoding was stopped and its memory freed. */
public final class GenerationTimeoutException extends RuntimeException {
    public GenerationTimeoutException(Duration timeout) {
        super("generation did not finish within " + timeout.toMillis() + " ms; raise the request timeout"
                + " (spring.ai.elastic-cache.request-timeout) or lower the generation length");
    }
}
