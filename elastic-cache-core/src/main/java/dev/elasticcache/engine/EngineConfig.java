package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.hub.ModelId;
import dev.elasticcache.hub.PullStrategy;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.structured.InfillLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an engine is set up.
 *
 * <p>The model is one of three: a folder ({@code modelDir}), a Hugging Face id ({@code model}) or an embedded
 * model ({@code embeddedModel}, the default when neither of the others is set). Setting two is an error.
 *
 * @param modelDir LLaDA, LLaDA-V or Dream checkpoint folder
 * @param device {@code cpu}, {@code gpu} (CUDA, fails clearly when unavailable) or {@code auto}
 * @param queueCapacity requests that may wait while {@code maxBatchSize} decode; more are refused with
 *     {@link EngineOverloadedException}
 * @param requestTimeout default per-request timeout
 * @param defaultOptions decoding options used when a request brings none
 * @param infillLimits slot widths where an output or tool schema sets no bound
 * @param maxToolRounds tool rounds in a row (assistant turns of calls since the last user turn) after which a
 *     request with tools is answered in text (tool choice {@code none}), so a tool-calling loop always ends
 * @param maxBatchSize requests decoded together, step by step (continuous batching: each joins and leaves at a
 *     step boundary, their row-wise work runs as one matrix); 1 decodes one request at a time
 * @param embeddedModel the embedded model loaded when {@code modelDir} is null: {@value EmbeddedModel#NAME} (text,
 *     the default), {@value EmbeddedModel#TOOLS_NAME} (tools and JSON) or {@value EmbeddedModel#VISION_NAME}
 *     (vision-language)
 * @param dtype how the weights are kept: {@link WeightDtype#AUTO} (default) keeps fp32 when it fits in memory,
 *     else the checkpoint's 16-bit weights mapped from its files
 * @param model a model on the Hugging Face Hub, {@code OWNER/NAME[@REVISION]}, loaded from the shared cache or
 *     downloaded into it
 * @param pullModelStrategy when {@code model} is downloaded (default {@link PullStrategy#WHEN_MISSING})
 * @param hub the Hub endpoint, token, cache folder and offline switch; null reads the {@code HF_*} environment
 *     variables when the model is resolved
 */
public record EngineConfig(
        Path modelDir, String device, int queueCapacity, Duration requestTimeout, DecodingOptions defaultOptions,
        InfillLimits infillLimits, int maxToolRounds, int maxBatchSize, String embeddedModel, WeightDtype dtype,
        ModelId model, PullStrategy pullModelStrategy, HubSettings hub) {
    /** Default of {@link #maxToolRounds}. */
    public static final int DEFAULT_MAX_TOOL_ROUNDS = 5;
    /** Default of {@link #maxBatchSize}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    /** Upper bound of {@link #maxBatchSize}: each batched request holds a decoding thread. */
    public static final int MAX_BATCH_SIZE_LIMIT = 256;

    public EngineConfig(Path modelDir, String device, int queueCapacity, Duration requestTimeout,
            DecodingOptions defaultOptions, InfillLimits infillLimits, int maxToolRounds, int maxBatchSize) {
        this(modelDir, device, queueCapacity, requestTimeout, defaultOptions, infillLimits, maxToolRounds, maxBatchSize,
                null, WeightDtype.AUTO, null, null, null);
    }

    public EngineConfig(Path modelDir, String device, int queueCapacity, Duration requestTimeout,
            DecodingOptions defaultOptions, InfillLimits infillLimits, int maxToolRounds) {
        this(modelDir, device, queueCapacity, requestTimeout, defaultOptions, infillLimits, maxToolRounds,
                DEFAULT_MAX_BATCH_SIZE);
    }

    public EngineConfig(Path modelDir, String device, int queueCapacity, Duration requestTimeout,
            DecodingOptions defaultOptions) {
        this(modelDir, device, queueCapacity, requestTimeout, defaultOptions, InfillLimits.DEFAULTS, DEFAULT_MAX_TOOL_ROUNDS,
                DEFAULT_MAX_BATCH_SIZE);
    }

    public EngineConfig {
        if (maxToolRounds < 1) {
            throw new IllegalArgumentException("maxToolRounds must be >= 1, got " + maxToolRounds);
        }
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxBatchSize must be between 1 (one request at a time) and "
                    + MAX_BATCH_SIZE_LIMIT + ", got " + maxBatchSize);
        }
        infillLimits = infillLimits == null ? InfillLimits.DEFAULTS : infillLimits;
        if (modelDir != null && model != null || (modelDir != null || model != null) && embeddedModel != null) {
            throw new IllegalArgumentException("set one model, not two: " + (modelDir != null ? "modelDir " + modelDir : "")
                    + (modelDir != null && model != null ? " and " : "") + (model != null ? "model " + model : "")
                    + (embeddedModel != null ? " and embeddedModel " + embeddedModel : ""));
        }
        if (modelDir == null && model == null) {
            embeddedModel = EmbeddedModel.checkName(embeddedModel == null ? EmbeddedModel.NAME : embeddedModel);
        }
        pullModelStrategy = pullModelStrategy == null ? PullStrategy.WHEN_MISSING : pullModelStrategy;
        device = device == null ? "cpu" : device;
        dtype = dtype == null ? WeightDtype.AUTO : dtype;
        requestTimeout = requestTimeout == null ? Duration.ofMinutes(5) : requestTimeout;
        defaultOptions = defaultOptions == null ? DecodingOptions.defaults() : defaultOptions;
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, got " + queueCapacity);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be > 0, got " + requestTimeout);
        }
        if (!device.equals("cpu") && !device.equals("gpu") && !device.equals("auto")) {
            throw new IllegalArgumentException("device must be one of cpu, gpu, auto; got '" + device + "'");
        }
        defaultOptions.validate();
    }

    /** The embedded model on the CPU with default options. */
    public static EngineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = builder().device(device).queueCapacity(queueCapacity).requestTimeout(requestTimeout)
                .defaultOptions(defaultOptions).infillLimits(infillLimits).maxToolRounds(maxToolRounds)
                .maxBatchSize(maxBatchSize).dtype(dtype).pullModelStrategy(pullModelStrategy).hub(hub);
        b.modelDir = modelDir;
        b.model = model;
        b.embeddedModel = embeddedModel;
        return b;
    }

    /** A name for the model, for logs and metadata: the Hub id, the folder's name or the embedded model's name. */
    public String modelName() {
        return model != null ? model.toString() : modelDir != null ? String.valueOf(modelDir.getFileName()) : embeddedModel;
    }

    /** Builder with defaults: embedded model, CPU, queue of 16, batches of up to 8, 5-minute timeout. */
    public static final class Builder {
        private Path modelDir;
        private String device = "cpu";
        private int queueCapacity = 16;
        private Duration requestTimeout = Duration.ofMinutes(5);
        private DecodingOptions defaultOptions = DecodingOptions.defaults();
        private InfillLimits infillLimits = InfillLimits.DEFAULTS;
        private int maxToolRounds = DEFAULT_MAX_TOOL_ROUNDS;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private String embeddedModel;
        private WeightDtype dtype = WeightDtype.AUTO;
        private ModelId model;
        private PullStrategy pullModelStrategy = PullStrategy.WHEN_MISSING;
        private HubSettings hub;

        /** The model is this checkpoint folder (replaces a Hub id or embedded model set before). */
        public Builder modelDir(Path v) { modelDir = v; model = null; embeddedModel = null; return this; }

        /** The model is this Hugging Face model (replaces a folder or embedded model set before). */
        public Builder model(ModelId v) { model = v; modelDir = null; embeddedModel = null; return this; }

        /** {@link #model(ModelId)} from {@code OWNER/NAME[@REVISION]}. */
        public Builder model(String v) { return model(v == null ? null : ModelId.parse(v)); }

        /** When a Hub model is downloaded: never, when-missing (default) or always. */
        public Builder pullModelStrategy(PullStrategy v) { pullModelStrategy = v; return this; }

        /** The Hub endpoint, token and cache (default: the {@code HF_*} environment variables). */
        public Builder hub(HubSettings v) { hub = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder queueCapacity(int v) { queueCapacity = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder defaultOptions(DecodingOptions v) { defaultOptions = v; return this; }
        /** Slot widths where an output or tool schema sets no bound. */
        public Builder infillLimits(InfillLimits v) { infillLimits = v; return this; }
        /** Tool rounds in a row after which the answer is text, so a tool loop ends (default 5). */
        public Builder maxToolRounds(int v) { maxToolRounds = v; return this; }
        /** Requests decoded together (default {@value EngineConfig#DEFAULT_MAX_BATCH_SIZE}); 1 decodes one at a time. */
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }

        /** The model is an embedded one: tiny-llada (the default) or tiny-llada-v (replaces a folder or Hub id). */
        public Builder embeddedModel(String v) { embeddedModel = v; modelDir = null; model = null; return this; }

        /** How the weights are kept (default auto: fp32 when it fits in memory, else the checkpoint's 16-bit type). */
        public Builder dtype(WeightDtype v) { dtype = v; return this; }

        /** {@link #dtype(WeightDtype)} from its spelling: auto, float32, bfloat16 or float16. */
        public Builder dtype(String v) { dtype = WeightDtype.parse(v); return this; }

        public EngineConfig build() {
            return new EngineConfig(modelDir, device, queueCapacity, requestTimeout, defaultOptions, infillLimits, maxToolRounds,
                    maxBatchSize, embeddedModel, dtype, model, pullModelStrategy, hub);
        }
    }
}
