package dev.elasticcache.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.hub.HubException;
import dev.elasticcache.testsupport.HubStandIn;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code spring.ai.elastic-cache.model=OWNER/NAME} against a Hub stand-in on loopback and a fresh cache. */
class ElasticCacheModelByNameTests {
    static final String REPO = "GSAI-ML/LLaDA-tiny";
    static final String PROMPT = "Uppercase these words: robot flame heart";

    @TempDir
    Path cache;
    HubStandIn hub;
    ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        hub = HubStandIn.start();
        hub.publish(REPO, EmbeddedModel.folder());
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ElasticCacheChatAutoConfiguration.class))
                .withPropertyValues("spring.ai.elastic-cache.hub.endpoint=" + hub.endpoint(),
                        "spring.ai.elastic-cache.hub.cache-dir=" + cache, "spring.ai.elastic-cache.chat.options.max-tokens=16");
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    @Test
    void aModelByNameDownloadsWhenAllowedThenStartsOfflineFromTheCache() {
        String expected;
        try (ElasticCacheEngine embedded = ElasticCacheEngine.load(EngineConfig.builder().modelDir(EmbeddedModel.folder()).build())) {
            expected = embedded.generate(GenerationRequest.builder().messages(List.of(ChatMessage.user(PROMPT)))
                    .options(DecodingOptions.builder().genLength(16).build()).build()).text();
        }
        runner.withPropertyValues("spring.ai.elastic-cache.model=" + REPO,
                "spring.ai.elastic-cache.pull-model-strategy=when-missing").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ElasticCacheEngine.class).modelInfo().name()).isEqualTo(REPO);
            assertThat(context.getBean(ElasticCacheEngine.class).modelInfo().folder())
                    .startsWith(cache.resolve("models--GSAI-ML--LLaDA-tiny/snapshots"));
            assertThat(context.getBean(ChatModel.class).call(new Prompt(PROMPT)).getResult().getOutput().getText())
                    .isEqualTo(expected);
        });
        hub.close();
        runner.withPropertyValues("spring.ai.elastic-cache.model=" + REPO, "spring.ai.elastic-cache.hub.offline=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ChatModel.class));
    }

    @Test
    void theDefaultStrategyNeverDownloadsAndTheFailureNamesTheProperty() {
        runner.withPropertyValues("spring.ai.elastic-cache.model=" + REPO).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(HubException.class)
                    .hasMessageContaining(REPO + " is not in the Hugging Face cache")
                    .hasMessageContaining("spring.ai.elastic-cache.pull-model-strategy=when-missing");
        });
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aGatedModelTakesTheTokenProperty() {
        hub.repos().get(REPO).gated("hf_granted");
        runner.withPropertyValues("spring.ai.elastic-cache.model=" + REPO, "spring.ai.elastic-cache.pull-model-strategy=always")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("is gated")
                        .hasMessageContaining("HF_TOKEN"));
        runner.withPropertyValues("spring.ai.elastic-cache.model=" + REPO, "spring.ai.elastic-cache.pull-model-strategy=always",
                "spring.ai.elastic-cache.hub.token=hf_granted").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void badModelSettingsFailTheStartNamingTheProperties() {
        assertFailure("set one of spring.ai.elastic-cache.model, .model-dir and .embedded-model, not "
                + "spring.ai.elastic-cache.model=" + REPO + " and spring.ai.elastic-cache.model-dir=/models/llada",
                "spring.ai.elastic-cache.model=" + REPO, "spring.ai.elastic-cache.model-dir=/models/llada");
        assertFailure("set one of spring.ai.elastic-cache.model, .model-dir and .embedded-model, not "
                + "spring.ai.elastic-cache.model-dir=/models/llada and spring.ai.elastic-cache.embedded-model=tiny-llada-v",
                "spring.ai.elastic-cache.embedded-model=tiny-llada-v", "spring.ai.elastic-cache.model-dir=/models/llada");
        assertFailure("spring.ai.elastic-cache.model: 'LLaDA-8B' is not a Hugging Face model id; write OWNER/NAME[@REVISION],"
                + " e.g. GSAI-ML/LLaDA-8B-Instruct", "spring.ai.elastic-cache.model=LLaDA-8B");
        assertFailure("spring.ai.elastic-cache.pull-model-strategy: pull-model strategy must be never, when-missing or"
                + " always, got 'sometimes'", "spring.ai.elastic-cache.model=" + REPO,
                "spring.ai.elastic-cache.pull-model-strategy=sometimes");
    }

    private void assertFailure(String message, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        });
    }
}
