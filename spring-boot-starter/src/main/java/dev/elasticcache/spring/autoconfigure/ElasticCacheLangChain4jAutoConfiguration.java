package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.langchain4j.ElasticCacheChatModel;
import dev.elasticcache.langchain4j.ElasticCacheChatRequestParameters;
import dev.elasticcache.langchain4j.ElasticCacheStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * LangChain4j {@code ChatModel} and {@code StreamingChatModel} beans over the Spring AI model's engine (one
 * copy of the weights), when the LangChain4j adapter is on the classpath; a user's own beans win.
 */
@AutoConfiguration(after = ElasticCacheChatAutoConfiguration.class)
@ConditionalOnClass(name = "dev.elasticcache.langchain4j.ElasticCacheChatModel")
@ConditionalOnBean(ElasticCacheEngine.class)
public class ElasticCacheLangChain4jAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ChatModel.class)
    ElasticCacheChatModel elasticCacheLangChain4jChatModel(ElasticCacheEngine engine,
            ElasticCacheChatProperties properties, ObjectProvider<ChatModelListener> listeners) {
        return ElasticCacheChatModel.builder().engine(engine).defaultRequestParameters(defaults(properties))
                .listeners(listeners.orderedStream().toList()).timeout(properties.getRequestTimeout()).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(StreamingChatModel.class)
    ElasticCacheStreamingChatModel elasticCacheLangChain4jStreamingChatModel(ElasticCacheEngine engine,
            ElasticCacheChatProperties properties, ObjectProvider<ChatModelListener> listeners) {
        return ElasticCacheStreamingChatModel.builder().engine(engine).defaultRequestParameters(defaults(properties))
                .listeners(listeners.orderedStream().toList()).timeout(properties.getRequestTimeout()).build();
    }

    private static ElasticCacheChatRequestParameters defaults(ElasticCacheChatProperties properties) {
        return ElasticCacheChatRequestParameters.from(properties.toEngineConfig().defaultOptions());
    }
}
