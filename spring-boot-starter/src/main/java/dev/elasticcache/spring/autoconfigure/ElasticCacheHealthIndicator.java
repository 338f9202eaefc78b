package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.ModelInfo;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the loaded model (name, parameters, device, load time) and the queue depth: UP while it admits requests,
 * OUT_OF_SERVICE while it drains before shutdown, DOWN once closed. Part of the readiness group ("model loaded and
 * admitting") where the application includes it; never part of liveness.
 */
public final class ElasticCacheHealthIndicator implements HealthIndicator {
    private final ElasticCacheEngine engine;

    public ElasticCacheHealthIndicator(ElasticCacheEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        ModelInfo info = engine.modelInfo();
        Health.Builder health = engine.isClosed() ? Health.down().withDetail("reason", "engine closed")
                : engine.isDraining() ? Health.outOfService().withDetail("reason", "draining before shutdown")
                : Health.up();
        return health.withDetail("model", info.name())
                .withDetail("parameters", info.parameters())
                .withDetail("device", info.device())
                .withDetail("loadTime", info.loadTime().toString())
                .withDetail("queuedRequests", engine.isClosed() ? 0 : engine.queuedRequests())
                .withDetail("queueCapacity", engine.config().queueCapacity())
                .withDetail("maxBatchSize", engine.config().maxBatchSize())
                .withDetail("decodingRequests", engine.isClosed() ? 0 : engine.decodingRequests())
                .build();
    }
}
