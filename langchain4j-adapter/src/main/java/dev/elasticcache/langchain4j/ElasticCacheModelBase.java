package dev.elasticcache.langchain4j;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import java.util.List;
import java.util.Set;

/**
 * What the blocking and the streaming model share: the engine support, the listeners and the LangChain4j
 * model metadata. (One class cannot implement both {@code ChatModel} and {@code StreamingChatModel}.)
 */
abstract class ElasticCacheModelBase implements AutoCloseable {
    final ElasticCacheSupport support;
    private final List<ChatModelListener> listeners;

    ElasticCacheModelBase(ElasticCacheModelBuilder<?> builder) {
        this.support = builder.support();
        this.listeners = builder.listenerList();
    }

    /** The engine's decoding defaults overridden by the builder's {@code defaultRequestParameters}. */
    public ElasticCacheChatRequestParameters defaultRequestParameters() {
        return support.defaultParameters();
    }

    public List<ChatModelListener> listeners() {
        return listeners;
    }

    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /**
     * {@link Capability#RESPONSE_FORMAT_JSON_SCHEMA}: a JSON response format with a schema is decoded by infilling
     * the schema's template (the document is valid by construction), so AI services send the schema of a POJO
     * return type instead of appending format instructions to the prompt.
     */
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** The engine behind this model (shared or owned). */
    public ElasticCacheEngine engine() {
        return support.engine();
    }

    /** The loaded model's name, as reported in {@code ChatResponseMetadata.modelName()}. */
    public String modelName() {
        return support.modelName();
    }

    /** Frees the engine if this model loaded it; a shared engine stays open. */
    @Override
    public void close() {
        support.close();
    }
}
