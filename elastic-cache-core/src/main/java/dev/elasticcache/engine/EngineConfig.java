package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.structured.InfillLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an engine is set up.
 *
 * @param modelDir LLaDA checkpoint folder; null selects the embedded tiny model shipped with the project
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
 *     the default) or {@value EmbeddedModel#VISION_NAME} (vision-language)
 * @param dtype how the weights are kept: {@link WeightDtype#AUTO} (default) keeps fp32 when it fits in memory,
 *     else the checkpoint's 16-bit weights mapped from its files
 */
public record EngineConfig(
        Path modelDir, String device, int queueCapacity, Duration requestTimeout, DecodingOptions defaultOptions,
        InfillLimits infillLimits, int maxToolRounds, int maxBatchSize, String embeddedModel, WeightDtype dtype) {
    /** Default of {@link #maxToolRounds}. */
    public static final int DEFAULT_MAX_TOOL_ROUNDS = 5;
    /** Default of {@link #maxBatchSize}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    /** Upper bound of {@link #maxBatchSize}: each batched request holds a decoding thread. */
    public static final int MAX_BATCH_SIZE_LIMIT = 256;

    public EngineConfig(Path modelDir, String device, int queueCapacity, Duration requestTimeout,
            DecodingOptions defaultOptions, InfillLimits infillLimits, int maxToolRounds, int maxBatchSize) {
        this(modelDir, device, queueCapacity, requestTimeout, defaultOptions, infillLimits, maxToolRounds, maxBatchSize,
                EmbeddedModel.NAME, WeightDtype.AUTO);
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
        embeddedModel = EmbeddedModel.checkName(embeddedModel == null ? EmbeddedModel.NAME : embeddedModel);
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
        return builder().modelDir(modelDir).device(device).queueCapacity(queueCapacity).requestTimeout(requestTimeout)
                .defaultOptions(defaultOptions).infillLimits(infillLimits).maxToolRounds(maxToolRounds)
                .maxBatchSize(maxBatchSize).embeddedModel(embeddedModel).dtype(dtype);
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
        private String embeddedModel = EmbeddedModel.NAME;
        private WeightDtype dtype = WeightDtype.AUTO;

        public Builder modelDir(Path v) { modelDir = v; return this; }
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

        /** The embedded model used without a model folder: tiny-llada (default) or tiny-llada-v. */
        public Builder embeddedModel(String v) { embeddedModel = v; return this; }

        /** How the weights are kept (default auto: fp32 when it fits in memory, else the checkpoint's 16-bit type). */
        public Builder dtype(WeightDtype v) { dtype = v; return this; }

        /** {@link #dtype(WeightDtype)} from its spelling: auto, float32, bfloat16 or float16. */
        public Builder dtype(String v) { dtype = WeightDtype.parse(v); return this; }

        public EngineConfig build() {
            return new EngineConfig(modelDir, device, queueCapacity, requestTimeout, defaultOptions, infillLimits, maxToolRounds,
                    maxBatchSize, embeddedModel, dtype);
        }
    }
}
