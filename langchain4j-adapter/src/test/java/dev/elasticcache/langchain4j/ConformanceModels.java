package dev.elasticcache.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;

/** Models on the shared test engine with short answers (the suites' prompts would otherwise decode 128 tokens). */
final class ConformanceModels {
    /** Answer length of the conformance models unless a test sets its own. */
    static final int DEFAULT_MAX_OUTPUT_TOKENS = 16;

    private ConformanceModels() {}

    static ChatRequestParameters defaults(ChatRequestParameters overrides) {
        ElasticCacheChatRequestParameters base =
                ElasticCacheChatRequestParameters.builder().maxOutputTokens(DEFAULT_MAX_OUTPUT_TOKENS).build();
        return overrides == null ? base : base.overrideWith(overrides);
    }

    static ElasticCacheChatModel chatModel(ChatRequestParameters parameters) {
        return ElasticCacheChatModel.builder()
                .engine(TestEngines.shared())
                .defaultRequestParameters(defaults(parameters))
                .build();
    }

    static ElasticCacheStreamingChatModel streamingModel(ChatRequestParameters parameters, ChatModelListener... listeners) {
        return ElasticCacheStreamingChatModel.builder()
                .engine(TestEngines.shared())
                .defaultRequestParameters(defaults(parameters))
                .listeners(List.of(listeners))
                .build();
    }
}
