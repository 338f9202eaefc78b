package dev.elasticcache.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A submitted generation: its future result and a way to cancel it (decoding stops within one step). */
public final class GenerationHandle {
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Completes with the result, or exceptionally with the failure, timeout or cancellation. */
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    /** Stops the generation: a queued one never starts, a running one stops before its next step. */
    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }
}
