package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.GenerationStatsListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Elastic-Cache engine and Spring AI chat model; meters and health when Micrometer / Boot health are present. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({ElasticCacheChatModel.class, ElasticCacheEngine.class})
@ConditionalOnProperty(name = "spring.ai.model.chat", havingValue = "elastic-cache", matchIfMissing = true)
@EnableConfigurationProperties(ElasticCacheChatProperties.class)
public class ElasticCacheChatAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ElasticCacheEngine elasticCacheEngine(ElasticCacheChatProperties properties) {
        return ElasticCacheEngine.load(properties.toEngineConfig());
    }

    @Bean
    @ConditionalOnMissingBean(ChatModel.class)
    ElasticCacheChatModel elasticCacheChatModel(ElasticCacheEngine engine, ElasticCacheChatProperties properties,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<ChatModelObservationConvention> observationConvention,
            ObjectProvider<GenerationStatsListener> statsListeners) {
        return ElasticCacheChatModel.builder().engine(engine).defaultOptions(properties.toOptions())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .observationConvention(observationConvention.getIfUnique())
                .statsListeners(statsListeners.orderedStream().toList())
                .build();
    }

    /** Drains the engine when the context closes (stops admitting, finishes what it admitted) before beans stop. */
    @Bean
    @ConditionalOnMissingBean
    ElasticCacheDrain elasticCacheDrain(ElasticCacheEngine engine, ElasticCacheChatProperties properties) {
        return new ElasticCacheDrain(engine, properties.getDrainTimeout());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        ElasticCacheMetrics elasticCacheMetrics(MeterRegistry registry, ElasticCacheEngine engine) {
            // Registers itself with the engine: every request is measured, whichever door it came through.
            return new ElasticCacheMetrics(registry, engine);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "elasticCacheHealthIndicator")
        ElasticCacheHealthIndicator elasticCacheHealthIndicator(ElasticCacheEngine engine) {
            return new ElasticCacheHealthIndicator(engine);
        }
    }
}
