package dev.elasticcache.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames.REQUEST_STREAM;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames.RESPONSE_FINISH_REASONS;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames.USAGE_INPUT_TOKENS;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames.USAGE_OUTPUT_TOKENS;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames.USAGE_TOTAL_TOKENS;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.LowCardinalityKeyNames.AI_OPERATION_TYPE;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.LowCardinalityKeyNames.AI_PROVIDER;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.LowCardinalityKeyNames.REQUEST_MODEL;
import static org.springframework.ai.chat.observation.ChatModelObservationDocumentation.LowCardinalityKeyNames.RESPONSE_MODEL;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.spring.TestModels;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Observations and meters around real generations. */
class ElasticCacheObservabilityTests {
    private static final String OBSERVATION = "gen_ai.client.operation";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ElasticCacheChatAutoConfiguration.class))
            .withPropertyValues(TestModels.modelProperties())
            .withPropertyValues("spring.ai.elastic-cache.chat.options.max-tokens=16");

    @Test
    void callIsObservedWithUsage() {
        runner.withUserConfiguration(Observations.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            String model = context.getBean(ElasticCacheEngine.class).modelInfo().name();

            ChatResponse response = ChatClient.create(context.getBean(ElasticCacheChatModel.class)).prompt()
                    .user("Hello").call().chatResponse();

            Usage usage = response.getMetadata().getUsage();
            assertThat(usage.getPromptTokens()).isPositive();
            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasNameEqualTo(OBSERVATION)
                    .hasBeenStarted().hasBeenStopped()
                    .hasLowCardinalityKeyValue(AI_OPERATION_TYPE.asString(), "chat")
                    .hasLowCardinalityKeyValue(AI_PROVIDER.asString(), "elastic-cache")
                    .hasLowCardinalityKeyValue(REQUEST_MODEL.asString(), model)
                    .hasLowCardinalityKeyValue(RESPONSE_MODEL.asString(), model)
                    .hasHighCardinalityKeyValue(USAGE_INPUT_TOKENS.asString(), String.valueOf(usage.getPromptTokens()))
                    .hasHighCardinalityKeyValue(USAGE_OUTPUT_TOKENS.asString(), String.valueOf(usage.getCompletionTokens()))
                    .hasHighCardinalityKeyValue(USAGE_TOTAL_TOKENS.asString(), String.valueOf(usage.getTotalTokens()))
                    .hasHighCardinalityKeyValue(RESPONSE_FINISH_REASONS.asString(),
                            "[\"" + response.getResult().getMetadata().getFinishReason() + "\"]")
                    .doesNotHaveHighCardinalityKeyValueWithKey(REQUEST_STREAM.asString());
        });
    }

    @Test
    void streamIsObservedWithAggregatedUsage() {
        runner.withUserConfiguration(Observations.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            ElasticCacheChatModel chatModel = context.getBean(ElasticCacheChatModel.class);

            List<ChatResponse> chunks = chatModel.stream(new Prompt("Hello")).collectList().block(Duration.ofMinutes(2));

            Usage usage = chunks.get(chunks.size() - 1).getMetadata().getUsage();
            assertThat(usage.getPromptTokens()).isPositive();
            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasNameEqualTo(OBSERVATION)
                    .hasBeenStarted().hasBeenStopped()
                    .hasLowCardinalityKeyValue(AI_PROVIDER.asString(), "elastic-cache")
                    .hasHighCardinalityKeyValue(REQUEST_STREAM.asString(), "true")
                    .hasHighCardinalityKeyValue(USAGE_INPUT_TOKENS.asString(), String.valueOf(usage.getPromptTokens()))
                    .hasHighCardinalityKeyValue(USAGE_OUTPUT_TOKENS.asString(), String.valueOf(usage.getCompletionTokens()))
                    .satisfies(ctx -> assertThat(((ChatModelObservationContext) ctx).getResponse().getResult()
                            .getOutput().getText()).isEqualTo(chunks.stream()
                                    .map(c -> c.getResult().getOutput().getText()).reduce("", String::concat)));
        });
    }

    @Test
    void failedCallIsObservedAsError() {
        runner.withUserConfiguration(Observations.class).run(context -> {
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            ElasticCacheChatModel chatModel = context.getBean(ElasticCacheChatModel.class);
            String tooLong = "word ".repeat(4000);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> chatModel.call(new Prompt(tooLong)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt too long");

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat().hasNameEqualTo(OBSERVATION)
                    .hasBeenStopped().assertThatError().isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void metersRecordEveryGenerationByStrategy() {
        runner.withUserConfiguration(Meters.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            ElasticCacheChatModel chatModel = context.getBean(ElasticCacheChatModel.class);
            String model = context.getBean(ElasticCacheEngine.class).modelInfo().name();

            ChatResponse elastic = chatModel.call(new Prompt("Hello"));
            chatModel.stream(new Prompt("Hello")).blockLast(Duration.ofMinutes(2));
            ChatResponse llada = chatModel.call(new Prompt("Hello",
                    ElasticCacheChatOptions.builder().strategy("llada").steps(4).build()));

            DistributionSummary nfe = registry.get(ElasticCacheMetrics.NFE).tags("strategy", "elastic", "model", model).summary();
            assertThat(nfe.count()).isEqualTo(2);
            assertThat(nfe.totalAmount()).isEqualTo(2.0 * (Integer) elastic.getMetadata().get(ElasticCacheChatModel.METADATA_NFE));
            DistributionSummary lladaNfe = registry.get(ElasticCacheMetrics.NFE).tags("strategy", "llada").summary();
            assertThat(lladaNfe.count()).isEqualTo(1);
            assertThat(lladaNfe.totalAmount()).isEqualTo(4.0);
            assertThat(registry.get(ElasticCacheMetrics.RECOMPUTE_FRACTION).tags("strategy", "llada").summary().max())
                    .isEqualTo(1.0);
            assertThat(registry.get(ElasticCacheMetrics.RECOMPUTE_FRACTION).tags("strategy", "elastic").summary().max())
                    .isEqualTo((Double) elastic.getMetadata().get(ElasticCacheChatModel.METADATA_RECOMPUTE_FRACTION));
            DistributionSummary speed = registry.get(ElasticCacheMetrics.TOKENS_PER_SECOND).tags("strategy", "llada").summary();
            assertThat(speed.count()).isEqualTo(1);
            assertThat(speed.max()).isEqualTo((Double) llada.getMetadata().get(ElasticCacheChatModel.METADATA_TOKENS_PER_SECOND));
            assertThat(registry.get(ElasticCacheMetrics.REQUESTS_WAITING).tag("model", model).gauge().value()).isZero();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Observations {
        @Bean
        TestObservationRegistry testObservationRegistry() {
            return TestObservationRegistry.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        SimpleMeterRegistry simpleMeterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ObservationRegistry observationRegistry() {
            return ObservationRegistry.NOOP;
        }
    }
}
