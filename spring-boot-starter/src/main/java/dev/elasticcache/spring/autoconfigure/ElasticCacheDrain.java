package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.engine.ElasticCacheEngine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Drains the engine when the application context closes (SIGTERM in a container), before any bean stops: readiness
 * turns to {@code REFUSING_TRAFFIC} (a load balancer's health check takes the instance out), the engine refuses new
 * requests (503 with {@code Retry-After}, which the balancer retries on another instance), and the requests and
 * streams already admitted run to their end, for at most {@code drain-timeout}; what is left is cancelled when the
 * engine closes. It listens for the close itself, not for lifecycle stops: a context that is only stopped (Spring's
 * test framework pauses cached contexts that way) keeps serving when it starts again.
 */
public final class ElasticCacheDrain implements ApplicationListener<ContextClosedEvent>, ApplicationContextAware {
    private static final Log LOG = LogFactory.getLog(ElasticCacheDrain.class);
    private final ElasticCacheEngine engine;
    private final Duration timeout;
    private ApplicationContext context;

    public ElasticCacheDrain(ElasticCacheEngine engine, Duration timeout) {
        this.engine = engine;
        this.timeout = timeout;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() != context || engine.isClosed()) {
            return; // a parent's or child's close, or an engine already gone
        }
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
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
        }
    }
}
