package dev.elasticcache.langchain4j;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;

/** LangChain4j's listener conformance suite for {@link StreamingChatModel}s. */
class ElasticCacheStreamingChatModelListenerIT extends AbstractStreamingChatModelListenerIT {

    @Override
    protected StreamingChatModel createModel(ChatModelListener listener) {
        return ElasticCacheStreamingChatModel.builder()
                .engine(TestEngines.shared())
                .defaultRequestParameters(ElasticCacheChatModelListenerIT.listenerDefaults(maxTokens()))
                .listeners(listener)
                .build();
    }

    @Override
    protected String modelName() {
        return TestEngines.shared().modelInfo().name();
    }

    /** Fails on the engine: 2000 answer positions exceed the checkpoint's 1024-token context. */
    @Override
    protected StreamingChatModel createFailingModel(ChatModelListener listener) {
        return ElasticCacheStreamingChatModel.builder()
                .engine(TestEngines.shared())
                .defaultRequestParameters(ElasticCacheChatModelListenerIT.listenerDefaults(2000))
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
