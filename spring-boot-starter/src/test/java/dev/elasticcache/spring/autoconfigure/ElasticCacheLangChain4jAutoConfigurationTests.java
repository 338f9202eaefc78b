package dev.elasticcache.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.langchain4j.ElasticCacheChatModel;
import dev.elasticcache.langchain4j.ElasticCacheStreamingChatModel;
import dev.elasticcache.spring.TestModels;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ElasticCacheLangChain4jAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ElasticCacheChatAutoConfiguration.class,
                    ElasticCacheLangChain4jAutoConfiguration.class))
            .withPropertyValues(TestModels.modelProperties())
            .withPropertyValues("spring.ai.elastic-cache.chat.options.max-tokens=16");

    @Test
    void langChain4jModelsShareTheSpringAiEngineAndFireListeners() {
        runner.withUserConfiguration(RecordingListener.class).run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            ElasticCacheChatModel chat = context.getBean(ElasticCacheChatModel.class);
            assertThat(chat.engine()).isSameAs(engine);
            assertThat(context.getBean(ElasticCacheStreamingChatModel.class).engine()).isSameAs(engine);
            assertThat(chat.defaultRequestParameters().maxOutputTokens()).isEqualTo(16);

            ChatResponse response = context.getBean(ChatModel.class).chat(ChatRequest.builder()
                    .messages(List.of(dev.langchain4j.data.message.UserMessage.from("hello"))).build());
            assertThat(response.tokenUsage().outputTokenCount()).isBetween(0, 16);
            RecordingListener listener = context.getBean(RecordingListener.class);
            assertThat(listener.requests).hasSize(1);
            assertThat(listener.responses).hasSize(1);
        });
        // Closing the context closed the adapters but the engine only once, through its own bean.
    }

    @Test
    void aDreamModelDirServesLangChain4jToo() {
        runner.withPropertyValues("spring.ai.elastic-cache.model-dir=" + TestModels.randomDreamModel()).run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            assertThat(engine.family()).isEqualTo(dev.elasticcache.model.ModelFamily.DREAM);
            ChatResponse response = context.getBean(ChatModel.class).chat(ChatRequest.builder()
                    .messages(List.of(dev.langchain4j.data.message.UserMessage.from("hello"))).build());
            assertThat(response.tokenUsage().outputTokenCount()).isBetween(0, 16);
            assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(engine.dreamTokenizer().orElseThrow()
                    .encodeChat(List.of(dev.elasticcache.tokenizer.ChatMessage.user("hello"))).length);
        });
    }

    @Test
    void usersOwnLangChain4jModelWins() {
        runner.withUserConfiguration(UserLangChain4jModel.class).run(context -> {
            assertThat(context).doesNotHaveBean(ElasticCacheChatModel.class).hasSingleBean(ChatModel.class);
            assertThat(context).hasSingleBean(ElasticCacheStreamingChatModel.class);
            assertThat(context.getBean(ChatModel.class).chat("hi")).isEqualTo("user model");
        });
    }

    @Test
    void absentWithoutTheAdapterOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader("dev.elasticcache.langchain4j")).run(context -> assertThat(context)
                .hasSingleBean(ElasticCacheEngine.class)
                .doesNotHaveBean(ChatModel.class)
                .doesNotHaveBean(StreamingChatModel.class));
    }

    @Test
    void absentWhenElasticCacheIsDeselected() {
        runner.withPropertyValues("spring.ai.model.chat=none").run(context -> assertThat(context)
                .doesNotHaveBean(ElasticCacheEngine.class).doesNotHaveBean(ChatModel.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingListener implements ChatModelListener {
        final List<ChatModelRequestContext> requests = new CopyOnWriteArrayList<>();
        final List<ChatModelResponseContext> responses = new CopyOnWriteArrayList<>();

        @Override
        public void onRequest(ChatModelRequestContext ctx) {
            requests.add(ctx);
        }

        @Override
        public void onResponse(ChatModelResponseContext ctx) {
            responses.add(ctx);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserLangChain4jModel {
        @Bean
        ChatModel userModel() {
            return new ChatModel() {
                @Override
                public ChatResponse doChat(ChatRequest request) {
                    return ChatResponse.builder().aiMessage(AiMessage.from("user model")).build();
                }
            };
        }
    }
}
