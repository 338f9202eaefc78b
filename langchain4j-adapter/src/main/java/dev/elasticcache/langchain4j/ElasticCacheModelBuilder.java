package dev.elasticcache.langchain4j;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.model.weights.WeightDtype;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the blocking and the streaming model builders share. Set one source of the engine: {@link #engine}
 * (already loaded, shared, never closed by the model), or {@link #modelDir} and/or {@link #engineConfig} (the
 * model loads and owns its engine). Without any, the embedded tiny model is loaded.
 *
 * @param <B> the concrete builder
 */
public abstract class ElasticCacheModelBuilder<B extends ElasticCacheModelBuilder<B>> {
    ElasticCacheEngine engine;
    Path modelDir;
    EngineConfig engineConfig;
    WeightDtype dtype;
    ChatRequestParameters defaultRequestParameters;
    List<ChatModelListener> listeners;
    Duration timeout;

    ElasticCacheModelBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A loaded engine to share (several models can use one copy of the weights); the model will not close it. */
    public B engine(ElasticCacheEngine engine) {
        this.engine = engine;
        return self();
    }

    /** A LLaDA checkpoint folder to load; the model owns the engine and closes it when closed. */
    public B modelDir(Path modelDir) {
        this.modelDir = modelDir;
        return self();
    }

    /** Full engine settings (device, queue capacity, default timeout and decoding options) for an owned engine. */
    public B engineConfig(EngineConfig engineConfig) {
        this.engineConfig = engineConfig;
        return self();
    }

    /**
     * How an owned engine keeps the weights: {@code auto} (default: fp32 when it fits in memory, else the
     * checkpoint's 16-bit weights, mapped), {@code float32}, {@code bfloat16} or {@code float16}.
     */
    public B dtype(WeightDtype dtype) {
        this.dtype = dtype;
        return self();
    }

    /** {@link #dtype(WeightDtype)} by its spelling: auto, float32, bfloat16 or float16. */
    public B dtype(String dtype) {
        return dtype(WeightDtype.parse(dtype));
    }

    /**
     * Defaults for every request (a request's own parameters override them): a plain
     * {@code ChatRequestParameters} or {@link ElasticCacheChatRequestParameters} with decoding knobs.
     */
    public B defaultRequestParameters(ChatRequestParameters defaultRequestParameters) {
        this.defaultRequestParameters = defaultRequestParameters;
        return self();
    }

    public B listeners(List<ChatModelListener> listeners) {
        this.listeners = listeners;
        return self();
    }

    public B listeners(ChatModelListener... listeners) {
        return listeners(Arrays.asList(listeners));
    }

    /** Per-request timeout (default: the engine's request timeout). */
    public B timeout(Duration timeout) {
        this.timeout = timeout;
        return self();
    }

    /** The engine support this builder describes (loads the engine unless one was shared). */
    ElasticCacheSupport support() {
        return ElasticCacheSupport.create(engine, modelDir, engineConfig, dtype, defaultRequestParameters, timeout);
    }

    /** The listeners as an immutable list. */
    List<ChatModelListener> listenerList() {
        return listeners == null ? List.of() : List.copyOf(listeners);
    }
}
