package dev.elasticcache.langchain4j;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.hub.ModelId;
import dev.elasticcache.hub.PullStrategy;
import dev.elasticcache.model.weights.WeightDtype;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the blocking and the streaming model builders share. Set one source of the engine: {@link #engine}
 * (already loaded, shared, never closed by the model), or a model to load and own: {@link #model} (a Hugging Face
 * id, from the shared cache or downloaded into it), {@link #modelDir} (a folder) and/or {@link #engineConfig}.
 * Without any, the embedded tiny model is loaded.
 *
 * @param <B> the concrete builder
 */
public abstract class ElasticCacheModelBuilder<B extends ElasticCacheModelBuilder<B>> {
    ElasticCacheEngine engine;
    Path modelDir;
    ModelId model;
    String embeddedModel;
    PullStrategy pullModelStrategy;
    HubSettings hub;
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

    /**
     * A Hugging Face model to load, {@code OWNER/NAME[@REVISION]} (e.g. {@code GSAI-ML/LLaDA-8B-Instruct}): from the
     * shared Hugging Face cache, downloaded into it when missing (see {@link #pullModelStrategy}).
     */
    public B model(String model) {
        this.model = ModelId.parse(model);
        return self();
    }

    /**
     * A model shipped inside the core jar: {@code tiny-llada} (the default when no model is set),
     * {@code tiny-llada-tools} (calls tools and fills JSON: AI services with {@code @Tool} methods, record answers,
     * agents) or {@code tiny-llada-v} (reads short text in images).
     */
    public B embeddedModel(String name) {
        this.embeddedModel = EmbeddedModel.checkName(name);
        return self();
    }

    /** When {@link #model} is downloaded: when-missing (default), always, or never (the cache only). */
    public B pullModelStrategy(PullStrategy pullModelStrategy) {
        this.pullModelStrategy = pullModelStrategy;
        return self();
    }

    /** The Hub endpoint, token and cache folder (default: the {@code HF_*} environment variables). */
    public B hub(HubSettings hub) {
        this.hub = hub;
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
        return ElasticCacheSupport.create(engine, ownedEngineConfig(), defaultRequestParameters, timeout);
    }

    /** The configuration of the engine to load and own; null when one is shared. */
    private EngineConfig ownedEngineConfig() {
        boolean owned = modelDir != null || model != null || embeddedModel != null || engineConfig != null || dtype != null
                || pullModelStrategy != null || hub != null;
        if (engine != null) {
            if (owned) {
                throw new IllegalArgumentException("set either engine(...) (shared) or model(...)/modelDir(...)/embeddedModel(...)/engineConfig(...)"
                        + "/dtype(...)/pullModelStrategy(...)/hub(...) (the model loads and owns its engine), not both");
            }
            return null;
        }
        if ((modelDir != null ? 1 : 0) + (model != null ? 1 : 0) + (embeddedModel != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("set one of model(...), modelDir(...) and embeddedModel(...), not several"
                    + " (model " + model + ", modelDir " + modelDir + ", embeddedModel " + embeddedModel + ")");
        }
        EngineConfig.Builder b = (engineConfig != null ? engineConfig : EngineConfig.defaults()).toBuilder();
        if (modelDir != null) {
            b.modelDir(modelDir);
        }
        if (model != null) {
            b.model(model);
        }
        if (embeddedModel != null) {
            b.embeddedModel(embeddedModel);
        }
        if (dtype != null) {
            b.dtype(dtype);
        }
        if (pullModelStrategy != null) {
            b.pullModelStrategy(pullModelStrategy);
        }
        if (hub != null) {
            b.hub(hub);
        }
        return b.build();
    }

    /** The listeners as an immutable list. */
    List<ChatModelListener> listenerList() {
        return listeners == null ? List.of() : List.copyOf(listeners);
    }
}
