package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.spring.ai.GenerationStatsListener;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Micrometer meters of the Elastic-Cache engine: per generation, distribution summaries of decoding speed,
 * cache refresh rate and forward passes tagged by strategy and model; and a gauge of the waiting requests.
 */
public final class ElasticCacheMetrics implements GenerationStatsListener {
    public static final String TOKENS_PER_SECOND = "elastic-cache.generation.tokens-per-second";
    public static final String RECOMPUTE_FRACTION = "elastic-cache.generation.recompute-fraction";
    public static final String NFE = "elastic-cache.generation.nfe";
    public static final String QUEUE_DEPTH = "elastic-cache.queue.depth";

    private final MeterRegistry registry;
    private final String model;

    public ElasticCacheMetrics(MeterRegistry registry, ElasticCacheEngine engine) {
        this.registry = registry;
        this.model = engine.modelInfo().name();
        Gauge.builder(QUEUE_DEPTH, engine, e -> e.isClosed() ? 0 : e.queuedRequests())
                .description("Requests waiting for the decoding thread")
                .tag("model", model)
                .register(registry);
    }

    @Override
    public void onGeneration(GenerationResult result) {
        DecodingStats stats = result.stats();
        Tags tags = Tags.of("strategy", stats.strategy().id(), "model", model);
        DistributionSummary.builder(TOKENS_PER_SECOND).description("Answer tokens per second of decoding")
                .baseUnit("tokens/s").tags(tags).register(registry).record(stats.tokensPerSecond());
        DistributionSummary.builder(RECOMPUTE_FRACTION)
                .description("Fraction of layers fully recomputed (cache refresh rate), 1 = no cache reuse")
                .tags(tags).register(registry).record(stats.recomputeFraction());
        DistributionSummary.builder(NFE).description("Forward passes (network function evaluations) per generation")
                .baseUnit("forwards").tags(tags).register(registry).record(stats.nfe());
    }
}
