package dev.elasticcache.engine;

import dev.elasticcache.decode.StepRecord;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request that decodes its first step, then waits inside its step listener until {@link #release()}: it holds a
 * decoding slot (and its admission) for as long as a test needs, with no timing guesses.
 */
public record HeldRequest(GenerationHandle handle, CountDownLatch released) {

    /** Submits {@code request} and returns once it has decoded its first step. */
    public static HeldRequest submit(ElasticCacheEngine engine, GenerationRequest request) throws InterruptedException {
        CountDownLatch stepping = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        GenerationHandle handle = engine.submit(request, new GenerationListener() {
            @Override
            public void onStep(StepRecord step) {
                stepping.countDown();
                try {
                    released.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        if (!stepping.await(1, TimeUnit.MINUTES)) {
            throw new AssertionError("the held request decoded no step within a minute");
        }
        return new HeldRequest(handle, released);
    }

    /** Lets the request go on decoding. */
    public void release() {
        released.countDown();
    }
}
