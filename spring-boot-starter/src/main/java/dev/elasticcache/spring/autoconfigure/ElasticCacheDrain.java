package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.engine.ElasticCacheEngine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Drains the engine when the application shuts down (SIGTERM in a container), before the web server stops:
 * readiness turns to {@code REFUSING_TRAFFIC} (so a load balancer's health check takes the instance out), the engine
 * refuses new requests (503 with {@code Retry-After}, which the balancer retries on another instance), and the
 * requests and streams already admitted run to their end, for at most {@code drain-timeout}; what is left then is
 * cancelled when the engine closes. Its phase is the highest, so it stops before Spring Boot's graceful web-server
 * shutdown; {@code spring.lifecycle.timeout-per-shutdown-phase} must be at least the drain timeout.
 */
public final class ElasticCacheDrain implements SmartLifecycle {
    private static final Log LOG = LogFactory.getLog(ElasticCacheDrain.class);
    private final ElasticCacheEngine engine;
    private final ApplicationEventPublisher events;
    private final Duration timeout;
    private volatile boolean running;

    public ElasticCacheDrain(ElasticCacheEngine engine, ApplicationEventPublisher events, Duration timeout) {
        this.engine = engine;
        this.events = events;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        engine.drain();
        int admitted = engine.admittedRequests();
        long start = System.nanoTime();
        LOG.info("Draining: " + admitted + " admitted requests to finish (at most " + timeout + "); new ones get 503");
        try {
            if (engine.awaitIdle(timeout)) {
                LOG.info("Drained: the " + admitted + " admitted requests finished in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            } else {
                LOG.warn("Drain timeout " + timeout + ": " + engine.admittedRequests()
                        + " requests still running are cancelled (raise spring.ai.elastic-cache.drain-timeout)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first: before the web server's graceful shutdown, so that admitted requests can still answer. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
