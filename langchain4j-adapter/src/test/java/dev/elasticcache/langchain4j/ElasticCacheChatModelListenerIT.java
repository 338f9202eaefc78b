package dev.elasticcache.langchain4j;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

/** LangChain4j's listener conformance suite for {@link ChatModel}s. */
class ElasticCacheChatModelListenerIT extends AbstractChatModelListenerIT {

    /** temperature 0.7, topP 1.0 (the only accepted value: no nucleus truncation), maxOutputTokens 7. */
    static ChatRequestParameters listenerDefaults(int maxOutputTokens) {
        return ChatRequestParameters.builder().temperature(0.7).topP(1.0).maxOutputTokens(maxOutputTokens).build();
    }

    @Override
    protected ChatModel createModel(ChatModelListener listener) {
        return ElasticCacheChatModel.builder()
                .engine(TestEngines.shared())
                .defaultRequestParameters(listenerDefaults(maxTokens()))
                .listeners(listener)
                .build();
    }

    @Override
    protected String modelName() {
        return TestEngines.shared().modelInfo().name();
    }

    /** Fails on the engine: 2000 answer positions exceed the checkpoint's 1024-token context. */
    @Override
    protected ChatModel createFailingModel(ChatModelListener listener) {
        return ElasticCacheChatModel.builder()
                .engine(TestEngines.shared())
                .defaultRequestParameters(listenerDefaults(2000))
                .listeners(listener)
                .build();
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return InvalidRequestException.class;
    }

    /** The suite offers an 'add' tool (AUTO): the listener must see it in the request parameters. */
    @Override
    protected boolean supportsTools() {
        return true;
    }
}
