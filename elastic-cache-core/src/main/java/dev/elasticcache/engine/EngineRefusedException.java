package dev.elasticcache.engine;

import java.time.Duration;

/**
 * A request the engine refused at once, before anything started, with a suggested wait: its queue is full
 * ({@link EngineOverloadedException}) or it is draining before shutdown ({@link EngineDrainingException}).
 * HTTP servers answer it with {@code Retry-After}.
 */
public abstract sealed class EngineRefusedException extends RuntimeException
        permits EngineOverloadedException, EngineDrainingException {
    private final Duration retryAfter;

    EngineRefusedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** A suggested wait before retrying here. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, at least 1: the value of an HTTP {@code Retry-After} header. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
