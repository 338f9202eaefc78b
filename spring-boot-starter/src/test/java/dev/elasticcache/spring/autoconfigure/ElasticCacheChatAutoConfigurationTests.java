package dev.elasticcache.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.spring.TestModels;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ElasticCacheChatAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ElasticCacheChatAutoConfiguration.class));

    private final ApplicationContextRunner withModel = runner.withPropertyValues(TestModels.modelProperties());

    @Test
    void activeWhenSelectorUnset() {
        withModel.run(context -> {
            assertThat(context).hasSingleBean(ElasticCacheEngine.class).hasSingleBean(ElasticCacheChatModel.class)
                    .hasSingleBean(ElasticCacheChatProperties.class);
            assertThat(context.getBean(ChatModel.class)).isSameAs(context.getBean(ElasticCacheChatModel.class));
            assertThat(context.getBean(ElasticCacheChatModel.class).getEngine())
                    .isSameAs(context.getBean(ElasticCacheEngine.class));
        });
    }

    @Test
    void activeWhenSelected() {
        withModel.withPropertyValues("spring.ai.model.chat=elastic-cache")
                .run(context -> assertThat(context).hasSingleBean(ElasticCacheChatModel.class));
    }

    @Test
    void disabledWithNoneOrAnotherProvider() {
        for (String selector : new String[] {"none", "openai"}) {
            withModel.withPropertyValues("spring.ai.model.chat=" + selector).run(context -> assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(ElasticCacheEngine.class)
                    .doesNotHaveBean(ChatModel.class)
                    .doesNotHaveBean(ElasticCacheChatProperties.class));
        }
    }

    @Test
    void usersChatModelWins() {
        withModel.withUserConfiguration(UserChatModel.class).run(context -> {
            assertThat(context).doesNotHaveBean(ElasticCacheChatModel.class).hasSingleBean(ChatModel.class);
            assertThat(context.getBean(ChatModel.class).call(new Prompt("hi")).getResult().getOutput().getText())
                    .isEqualTo("user model");
        });
    }

    @Test
    void usersEngineIsUsedAndClosedByItsOwnerOnly() {
        runner.withUserConfiguration(UserEngine.class).run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            assertThat(engine.config().queueCapacity()).isEqualTo(3);
            assertThat(context.getBean(ElasticCacheChatModel.class).getEngine()).isSameAs(engine);
        });
    }

    @Test
    void bindsEngineAndChatOptionProperties() {
        withModel.withPropertyValues(
                "spring.ai.elastic-cache.device=auto",
                "spring.ai.elastic-cache.dtype=float32",
                "spring.ai.elastic-cache.queue-capacity=4",
                "spring.ai.elastic-cache.max-batch-size=3",
                "spring.ai.elastic-cache.request-timeout=90s",
                "spring.ai.elastic-cache.chat.options.strategy=fast-dllm-dual",
                "spring.ai.elastic-cache.chat.options.max-tokens=40",
                "spring.ai.elastic-cache.chat.options.temperature=0.25",
                "spring.ai.elastic-cache.chat.options.gamma=0.5",
                "spring.ai.elastic-cache.chat.options.window-length=8",
                "spring.ai.elastic-cache.chat.options.threshold=0.7",
                "spring.ai.elastic-cache.chat.options.track-num=2",
                "spring.ai.elastic-cache.chat.options.block-caching=false",
                "spring.ai.elastic-cache.chat.options.block-length=16",
                "spring.ai.elastic-cache.chat.options.steps=6",
                "spring.ai.elastic-cache.chat.options.tokens-per-iter=2",
                "spring.ai.elastic-cache.chat.options.seed=11",
                "spring.ai.elastic-cache.chat.options.stop-sequences=END,STOP").run(context -> {
                    assertThat(context).hasNotFailed();
                    EngineConfig config = context.getBean(ElasticCacheEngine.class).config();
                    assertThat(config.device()).isEqualTo("auto");
                    assertThat(config.dtype()).isEqualTo(WeightDtype.FLOAT32);
                    assertThat(config.queueCapacity()).isEqualTo(4);
                    assertThat(config.maxBatchSize()).isEqualTo(3);
                    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
                    // 40 rounded up to a multiple of the block length 16 for a block strategy
                    assertThat(config.defaultOptions().genLength()).isEqualTo(48);
                    assertThat(config.defaultOptions().blockCaching()).isFalse();

                    ElasticCacheChatOptions options = context.getBean(ElasticCacheChatModel.class).getOptions();
                    assertThat(options.getStrategy()).isEqualTo(Strategy.FAST_DLLM_DUAL);
                    assertThat(options.getMaxTokens()).isEqualTo(48);
                    assertThat(options.getTemperature()).isEqualTo(0.25);
                    assertThat(options.getGamma()).isEqualTo(0.5);
                    assertThat(options.getWindowLength()).isEqualTo(8);
                    assertThat(options.getThreshold()).isEqualTo(0.7);
                    assertThat(options.getTrackNum()).isEqualTo(2);
                    assertThat(options.getBlockCaching()).isFalse();
                    assertThat(options.getBlockLength()).isEqualTo(16);
                    assertThat(options.getSteps()).isEqualTo(6);
                    assertThat(options.getTokensPerIter()).isEqualTo(2);
                    assertThat(options.getSeed()).isEqualTo(11L);
                    assertThat(options.getStopSequences()).containsExactly("END", "STOP");
                    assertThat(options.getModel()).isEqualTo(context.getBean(ElasticCacheEngine.class).modelInfo().name());
                });
    }

    @Test
    void defaultsMatchTheEngineDefaults() {
        withModel.run(context -> {
            ElasticCacheChatOptions options = context.getBean(ElasticCacheChatModel.class).getOptions();
            assertThat(options.getStrategy()).isEqualTo(Strategy.ELASTIC);
            assertThat(options.getMaxTokens()).isEqualTo(128);
            assertThat(options.getGamma()).isEqualTo(0.9);
            assertThat(options.getThreshold()).isEqualTo(0.9);
            assertThat(options.getWindowLength()).isEqualTo(16);
            assertThat(options.getBlockCaching()).isTrue();
            assertThat(options.getStopSequences()).isNull();
            EngineConfig config = context.getBean(ElasticCacheEngine.class).config();
            assertThat(config.device()).isEqualTo("cpu");
            assertThat(config.dtype()).isEqualTo(WeightDtype.AUTO);
            assertThat(config.queueCapacity()).isEqualTo(16);
            assertThat(config.maxBatchSize()).isEqualTo(EngineConfig.DEFAULT_MAX_BATCH_SIZE);
            assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        });
    }

    @Test
    void invalidValuesFailStartupNamingThePropertyAndRange() {
        assertStartupFailure("spring.ai.elastic-cache.chat.options.gamma=1.5",
                "spring.ai.elastic-cache.chat.options.gamma must be in (0, 1], got 1.5");
        assertStartupFailure("spring.ai.elastic-cache.chat.options.threshold=1.2",
                "spring.ai.elastic-cache.chat.options.threshold must be in (0, 1] (or 0 for top-k unmasking), got 1.2");
        assertStartupFailure("spring.ai.elastic-cache.chat.options.window-length=0",
                "spring.ai.elastic-cache.chat.options.window-length must be >= 1, got 0");
        assertStartupFailure("spring.ai.elastic-cache.chat.options.max-tokens=0",
                "spring.ai.elastic-cache.chat.options.max-tokens must be >= 1, got 0");
        assertStartupFailure("spring.ai.elastic-cache.chat.options.temperature=-1",
                "spring.ai.elastic-cache.chat.options.temperature must be >= 0, got -1.0");
        assertStartupFailure("spring.ai.elastic-cache.device=tpu",
                "spring.ai.elastic-cache.device must be one of cpu, gpu, auto, got tpu");
        assertStartupFailure("spring.ai.elastic-cache.dtype=int4",
                "spring.ai.elastic-cache.dtype: dtype 'int4' is not known; use one of auto, float32, bfloat16, float16,"
                        + " float16-compute (auto keeps fp32 weights when they fit in memory, else the checkpoint's 16-bit"
                        + " ones; float16-compute multiplies in fp16, for GPUs)");
        assertStartupFailure("spring.ai.elastic-cache.queue-capacity=-1",
                "spring.ai.elastic-cache.queue-capacity must be >= 0, got -1");
        assertStartupFailure("spring.ai.elastic-cache.request-timeout=0s",
                "spring.ai.elastic-cache.request-timeout must be > 0, got PT0S");
        assertStartupFailure("spring.ai.elastic-cache.max-batch-size=0",
                "spring.ai.elastic-cache.max-batch-size must be between 1 (one request at a time) and 256, got 0");
        assertStartupFailure("spring.ai.elastic-cache.embedded-model=llada-8b",
                "spring.ai.elastic-cache.embedded-model must be one of [tiny-llada, tiny-llada-tools, tiny-llada-v] (or set"
                        + " spring.ai.elastic-cache.model or .model-dir), got llada-8b");
        assertStartupFailure("spring.ai.elastic-cache.max-tool-rounds=0",
                "spring.ai.elastic-cache.max-tool-rounds must be >= 1, got 0");
        // consistent one by one, inconsistent together: 3 steps cannot be spread over 4 blocks
        withModel.withPropertyValues("spring.ai.elastic-cache.chat.options.strategy=llada",
                "spring.ai.elastic-cache.chat.options.steps=3").run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessage("spring.ai.elastic-cache.chat.options: steps (3) must be a multiple of"
                                + " the number of blocks (4 = genLength/blockLength) for strategy llada"));
        withModel.withPropertyValues("spring.ai.elastic-cache.chat.options.strategy=fast")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("spring.ai.elastic-cache.chat.options.strategy"));
    }

    private void assertStartupFailure(String property, String message) {
        withModel.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        });
    }

    @Test
    void healthIndicatorReportsTheLoadedModel() {
        withModel.run(context -> {
            assertThat(context).hasBean("elasticCacheHealthIndicator");
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            Health health = context.getBean(ElasticCacheHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("model", engine.modelInfo().name())
                    .containsEntry("parameters", engine.modelInfo().parameters())
                    .containsEntry("device", engine.modelInfo().device())
                    .containsEntry("queuedRequests", 0)
                    .containsEntry("maxBatchSize", EngineConfig.DEFAULT_MAX_BATCH_SIZE)
                    .containsEntry("decodingRequests", 0)
                    .containsEntry("queueCapacity", 16)
                    .containsKey("loadTime");
            assertThat((long) health.getDetails().get("parameters")).isPositive();
        });
    }

    @Test
    void noMetersWithoutMeterRegistry() {
        withModel.run(context -> assertThat(context).doesNotHaveBean(ElasticCacheMetrics.class));
    }

    @Test
    void engineIsClosedWithTheContext() {
        ElasticCacheEngine[] engine = new ElasticCacheEngine[1];
        withModel.run(context -> {
            engine[0] = context.getBean(ElasticCacheEngine.class);
            assertThat(engine[0].isClosed()).isFalse();
        });
        assertThat(engine[0].isClosed()).isTrue();
    }

    @Test
    void aDreamModelDirServesChat() {
        runner.withPropertyValues("spring.ai.elastic-cache.model-dir=" + TestModels.randomDreamModel(),
                "spring.ai.elastic-cache.chat.options.max-tokens=16").run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            assertThat(engine.family()).isEqualTo(dev.elasticcache.model.ModelFamily.DREAM);
            ChatResponse response = context.getBean(ChatModel.class).call(new Prompt("Hello!"));
            assertThat(response.getMetadata().getModel()).isEqualTo("random-tiny-dream");
            assertThat(response.getMetadata().getUsage().getPromptTokens()).isPositive();
            assertThat(context.getBean(ElasticCacheHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    @EnabledIf("dev.elasticcache.spring.TestModels#embeddedModelPresent")
    void defaultsToTheEmbeddedModel() {
        runner.withPropertyValues("spring.ai.elastic-cache.chat.options.max-tokens=32").run(context -> {
            assertThat(context.getBean(ElasticCacheEngine.class).modelInfo().name()).isEqualTo("tiny-llada");
            ChatResponse response = context.getBean(ChatModel.class).call(new Prompt("Hello!"));
            assertThat(response.getMetadata().getModel()).isEqualTo("tiny-llada");
            assertThat(response.getMetadata().getUsage().getPromptTokens()).isPositive();
        });
    }

    @Test
    @EnabledIf("dev.elasticcache.spring.TestModels#embeddedModelPresent")
    void embeddedModelPropertyLoadsTheToolModelAndABlankOneUnsetsIt() {
        runner.withPropertyValues("spring.ai.elastic-cache.embedded-model=tiny-llada-tools").run(context ->
                assertThat(context.getBean(ElasticCacheEngine.class).modelInfo().name()).isEqualTo("tiny-llada-tools"));
        // A profile or an environment variable names a model folder and blanks the application's embedded model.
        runner.withPropertyValues("spring.ai.elastic-cache.embedded-model=tiny-llada-tools",
                "spring.ai.elastic-cache.embedded-model=", "spring.ai.elastic-cache.model-dir=" + TestModels.randomModel())
                .run(context -> assertThat(context.getBean(ElasticCacheEngine.class).modelInfo().name())
                        .isEqualTo(TestModels.randomModel().getFileName().toString()));
    }

    @Test
    @DisabledIf("dev.elasticcache.spring.TestModels#embeddedModelPresent")
    void withoutEmbeddedModelStartupNamesTheMissingModel() {
        runner.run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("dev/elasticcache/models/tiny-llada/config.json is not on the classpath"));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserChatModel {
        @Bean
        ChatModel userChatModel() {
            return prompt -> new ChatResponse(java.util.List.of(new org.springframework.ai.chat.model.Generation(
                    new org.springframework.ai.chat.messages.AssistantMessage("user model"))));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEngine {
        @Bean(destroyMethod = "close")
        ElasticCacheEngine userEngine() {
            return ElasticCacheEngine.load(EngineConfig.builder()
                    .modelDir(TestModels.embeddedModelPresent() ? null : TestModels.randomModel()).queueCapacity(3).build());
        }
    }
}
