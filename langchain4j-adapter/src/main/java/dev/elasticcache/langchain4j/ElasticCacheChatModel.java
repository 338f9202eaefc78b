package dev.elasticcache.langchain4j;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationResult;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A LangChain4j {@link ChatModel} that decodes in-process with an Elastic-Cache (LLaDA diffusion) engine.
 *
 * <pre>{@code
 * try (ElasticCacheChatModel model = ElasticCacheChatModel.builder().modelDir(Path.of("models/llada")).build()) {
 *     String answer = model.chat("Hello!");
 * }
 * }</pre>
 *
 * <p>Honoured per request: {@code temperature}, {@code maxOutputTokens} (the decoder's {@code genLength}),
 * {@code stopSequences} and every knob of {@link ElasticCacheChatRequestParameters}. Not supported (rejected with
 * {@link dev.langchain4j.exception.UnsupportedFeatureException}): tools, JSON response format, image or other
 * non-text content, topK, topP other than 1.0, non-zero penalties, a {@code modelName} other than the loaded one.
 * Engine failures map to LangChain4j exceptions: overload to {@code RateLimitException}, timeout to
 * {@code TimeoutException}, invalid values to {@code InvalidRequestException} (the engine's exception is the cause).
 *
 * <p>{@code chat(...)} blocks the calling thread while the engine's decoding thread works; requests from several
 * threads queue in the engine. Thread-safe. Close the model to free an engine it loaded itself.
 */
public class ElasticCacheChatModel implements ChatModel, AutoCloseable {

    private final ElasticCacheSupport support;
    private final List<ChatModelListener> listeners;

    private ElasticCacheChatModel(Builder builder) {
        this.support = ElasticCacheSupport.create(builder.engine, builder.modelDir, builder.engineConfig,
                builder.defaultRequestParameters, builder.timeout);
        this.listeners = builder.listeners == null ? List.of() : List.copyOf(builder.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest chatRequest) {
        ElasticCacheSupport.Prepared prepared = support.prepare(chatRequest);
        GenerationResult result;
        try {
            result = support.engine().generate(prepared.request());
        } catch (RuntimeException e) {
            throw ElasticCacheSupport.mapRuntimeError(e);
        }
        return support.toChatResponse(result, prepared.options());
    }

    /** The engine's decoding defaults overridden by the builder's {@code defaultRequestParameters}. */
    @Override
    public ElasticCacheChatRequestParameters defaultRequestParameters() {
        return support.defaultParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** None: no JSON-schema constrained output. */
    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /** The engine behind this model (shared or owned). */
    public ElasticCacheEngine engine() {
        return support.engine();
    }

    /** The loaded model's name, as reported in {@code ChatResponseMetadata.modelName()}. */
    public String modelName() {
        return support.modelName();
    }

    /** Frees the engine if this model loaded it; a shared engine ({@link Builder#engine}) stays open. */
    @Override
    public void close() {
        support.close();
    }

    /**
     * Builder. Set one source of the engine: {@link #engine} (already loaded, shared, never closed by the model),
     * or {@link #modelDir} and/or {@link #engineConfig} (the model loads and owns its engine). Without any, the
     * embedded tiny model is loaded.
     */
    public static class Builder {
        private ElasticCacheEngine engine;
        private Path modelDir;
        private EngineConfig engineConfig;
        private ChatRequestParameters defaultRequestParameters;
        private List<ChatModelListener> listeners;
        private Duration timeout;

        /** A loaded engine to share (several models can use one copy of the weights); the model will not close it. */
        public Builder engine(ElasticCacheEngine engine) {
            this.engine = engine;
            return this;
        }

        /** A LLaDA checkpoint folder to load; the model owns the engine and closes it in {@link #close()}. */
        public Builder modelDir(Path modelDir) {
            this.modelDir = modelDir;
            return this;
        }

        /** Full engine settings (device, queue capacity, default timeout and decoding options) for an owned engine. */
        public Builder engineConfig(EngineConfig engineConfig) {
            this.engineConfig = engineConfig;
            return this;
        }

        /**
         * Defaults for every request (a request's own parameters override them): a plain
         * {@code ChatRequestParameters} or {@link ElasticCacheChatRequestParameters} with decoding knobs.
         */
        public Builder defaultRequestParameters(ChatRequestParameters defaultRequestParameters) {
            this.defaultRequestParameters = defaultRequestParameters;
            return this;
        }

        public Builder listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return this;
        }

        public Builder listeners(ChatModelListener... listeners) {
            return listeners(Arrays.asList(listeners));
        }

        /** Per-request timeout (default: the engine's request timeout). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the model, loading the engine unless one was shared.
         *
         * @throws dev.langchain4j.exception.UnsupportedFeatureException when the default parameters ask for
         *     something unsupported
         * @throws dev.langchain4j.exception.InvalidRequestException when a decoding knob is out of range
         */
        public ElasticCacheChatModel build() {
            return new ElasticCacheChatModel(this);
        }
    }
}
