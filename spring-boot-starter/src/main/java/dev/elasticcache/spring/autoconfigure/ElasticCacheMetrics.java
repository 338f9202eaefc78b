package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineObserver;
import dev.elasticcache.engine.GenerationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of the Elastic-Cache engine, for dashboards, autoscalers and the routers of an inference pool
 * (the Gateway API Inference Extension reads queue depth, running requests and cache use). The engine reports every
 * request whichever door it came through (Spring AI, LangChain4j, the engine API). Names as Prometheus shows them
 * are in the README.
 */
public final class ElasticCacheMetrics implements EngineObserver {
    /** Requests admitted and waiting for a decoding slot (vLLM: {@code num_requests_waiting}). */
    public static final String REQUESTS_WAITING = "elastic-cache.requests.waiting";
    /** Requests decoding now (vLLM: {@code num_requests_running}). */
    public static final String REQUESTS_RUNNING = "elastic-cache.requests.running";
    /** Requests decoding over {@code max-batch-size}, 0..1. */
    public static final String BATCH_OCCUPANCY = "elastic-cache.batch.occupancy";
    /** The memory plan's share of admitted requests (caches, activations), in bytes. */
    public static final String CACHE_USED = "elastic-cache.cache.used";
    /** Memory left for requests beside the weights, in bytes. */
    public static final String CACHE_CAPACITY = "elastic-cache.cache.capacity";
    /** {@link #CACHE_USED} over {@link #CACHE_CAPACITY}, 0..1 (vLLM: {@code kv_cache_usage_perc}). */
    public static final String CACHE_USAGE = "elastic-cache.cache.usage";
    /** 1 while the instance drains before shutdown (admits nothing new), else 0. */
    public static final String DRAINING = "elastic-cache.draining";
    /** Requests refused before they started, tagged {@code reason}: overloaded, draining, invalid. */
    public static final String REQUESTS_REFUSED = "elastic-cache.requests.refused";
    /** Admitted requests that failed (timeout, cancellation, error). */
    public static final String REQUESTS_FAILED = "elastic-cache.requests.failed";
    /** Answer tokens generated. */
    public static final String TOKENS = "elastic-cache.generation.tokens";
    /** Submission to completion, queueing included. */
    public static final String DURATION = "elastic-cache.generation.duration";
    /** Submission to the first streamed answer text. */
    public static final String TIME_TO_FIRST_TOKEN = "elastic-cache.generation.time-to-first-token";
    /** Mean time of a forward pass (decoding step) of a generation. */
    public static final String STEP_TIME = "elastic-cache.generation.step-time";
    public static final String TOKENS_PER_SECOND = "elastic-cache.generation.tokens-per-second";
    public static final String RECOMPUTE_FRACTION = "elastic-cache.generation.recompute-fraction";
    public static final String NFE = "elastic-cache.generation.nfe";

    private final MeterRegistry registry;
    private final String model;
    private final Counter failed;

    /** Registers the gauges and starts hearing {@code engine}'s requests. */
    public ElasticCacheMetrics(MeterRegistry registry, ElasticCacheEngine engine) {
        this.registry = registry;
        this.model = engine.modelInfo().name();
        Tags tags = Tags.of("model", model);
        gauge(REQUESTS_WAITING, engine, e -> e.queuedRequests(), "Requests admitted and waiting to decode", null, tags);
        gauge(REQUESTS_RUNNING, engine, e -> e.decodingRequests(), "Requests decoding now", null, tags);
        gauge(BATCH_OCCUPANCY, engine, e -> (double) e.decodingRequests() / e.config().maxBatchSize(),
                "Requests decoding over max-batch-size", null, tags);
        gauge(CACHE_USED, engine, e -> e.requestMemoryInUse(), "Memory of the admitted requests' caches and activations",
                "bytes", tags);
        gauge(CACHE_CAPACITY, engine, e -> e.requestMemoryCapacity(), "Memory left for requests beside the weights",
                "bytes", tags);
        gauge(CACHE_USAGE, engine, e -> {
            long capacity = e.requestMemoryCapacity();
            return capacity == 0 ? 1.0 : Math.min(1.0, (double) e.requestMemoryInUse() / capacity);
        }, "Request memory in use over its capacity", null, tags);
        gauge(DRAINING, engine, e -> e.isDraining() ? 1 : 0, "1 while the instance drains before shutdown", null, tags);
        failed = Counter.builder(REQUESTS_FAILED).description("Admitted requests that failed (timeout, cancellation, error)")
                .tags(tags).register(registry);
        for (Refusal r : Refusal.values()) {
            refusedCounter(r); // present at 0 from the start, so a rate can be taken at once
        }
        engine.observe(this);
    }

    private void gauge(String name, ElasticCacheEngine engine, ToDoubleFunction<ElasticCacheEngine> value,
            String description, String unit, Tags tags) {
        // A closed engine reads as idle: the gauges outlive it until the registry closes.
        Gauge.builder(name, engine, e -> e.isClosed() ? 0 : value.applyAsDouble(e)).description(description)
                .baseUnit(unit).tags(tags).register(registry);
    }

    @Override
    public void refused(Refusal reason) {
        refusedCounter(reason).increment();
    }

    @Override
    public void firstText(Strategy strategy, Duration sinceSubmit) {
        Timer.builder(TIME_TO_FIRST_TOKEN).description("Submission to the first streamed answer text")
                .tags("strategy", strategy.id(), "model", model).register(registry).record(sinceSubmit);
    }

    @Override
    public void failed(Throwable error) {
        failed.increment();
    }

    @Override
    public void completed(GenerationResult result, Duration sinceSubmit) {
        DecodingStats stats = result.stats();
        Tags tags = Tags.of("strategy", stats.strategy().id(), "model", model);
        Counter.builder(TOKENS).description("Answer tokens generated").baseUnit("tokens").tags(tags).register(registry)
                .increment(stats.answerTokens());
        Timer.builder(DURATION).description("Submission to completion, queueing included").tags(tags).register(registry)
                .record(sinceSubmit);
        if (stats.nfe() > 0) {
            Timer.builder(STEP_TIME).description("Mean time of a forward pass (decoding step)").tags(tags)
                    .register(registry).record(Duration.ofNanos(stats.wallNanos() / stats.nfe()));
        }
        DistributionSummary.builder(TOKENS_PER_SECOND).description("Answer tokens per second of decoding")
                .baseUnit("tokens/s").tags(tags).register(registry).record(stats.tokensPerSecond());
        DistributionSummary.builder(RECOMPUTE_FRACTION)
                .description("Fraction of layers fully recomputed (cache refresh rate), 1 = no cache reuse")
                .tags(tags).register(registry).record(stats.recomputeFraction());
        DistributionSummary.builder(NFE).description("Forward passes (network function evaluations) per generation")
                .baseUnit("forwards").tags(tags).register(registry).record(stats.nfe());
    }

    private Counter refusedCounter(Refusal reason) {
        return Counter.builder(REQUESTS_REFUSED).description("Requests refused before they started")
                .tags("model", model, "reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
    }
}
