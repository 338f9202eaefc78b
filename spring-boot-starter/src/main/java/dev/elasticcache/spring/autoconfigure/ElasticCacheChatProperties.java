package dev.elasticcache.spring.autoconfigure;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.hub.ModelId;
import dev.elasticcache.hub.PullStrategy;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Elastic-Cache engine and its Spring AI chat model, checked at startup: a value out of
 * range fails the context with a message naming the property and the allowed range.
 */
@ConfigurationProperties(ElasticCacheChatProperties.PREFIX)
public class ElasticCacheChatProperties implements InitializingBean {

    public static final String PREFIX = "spring.ai.elastic-cache";

    /**
     * A model on the Hugging Face Hub, OWNER/NAME[@REVISION] (e.g. GSAI-ML/LLaDA-8B-Instruct), used from the shared
     * Hugging Face cache; downloaded into it only as pull-model-strategy allows. Set one of model, model-dir and
     * embedded-model.
     */
    private String model;

    /** LLaDA, LLaDA-V or Dream checkpoint folder (config.json, safetensors, tokenizer). */
    private Path modelDir;

    /**
     * An embedded model: tiny-llada (text; the model when neither model nor model-dir is set), tiny-llada-tools
     * (calls the travel tools and fills booking records: agents, chains, structured output) or tiny-llada-v (reads
     * one to three letters or digits in an image).
     */
    private String embeddedModel;

    /**
     * When the model named by {@code model} is downloaded: never (default: the cache only; a missing model fails
     * the start naming this property), when-missing, or always (fetch what the revision's newest commit adds).
     */
    private String pullModelStrategy = "never";

    private final Hub hub = new Hub();

    /** Where the weights live: cpu, gpu (CUDA; fails when none is visible) or auto (gpu when available). */
    private String device = "cpu";

    /**
     * How the weights are kept: auto (fp32 when it fits in memory, else the checkpoint's 16-bit weights), float32
     * (widened at load: fastest on a CPU), bfloat16 or float16 (kept as the checkpoint stores them, mapped from its
     * files, each matrix widened to fp32 as it multiplies: half the memory; tokens are the same as float32's), or
     * float16-compute (fp16 weights and products, for GPUs).
     */
    private String dtype = "auto";

    /** Requests that may wait while a batch decodes; further requests are refused at once (HTTP 429/503). */
    private int queueCapacity = 16;

    /**
     * Requests decoded together, step by step (continuous batching; each decodes exactly what it decodes alone).
     * 1 decodes one request at a time.
     */
    private int maxBatchSize = 8;

    /** Default per-request timeout, queueing included. */
    private Duration requestTimeout = Duration.ofMinutes(5);

    /**
     * At shutdown, how long admitted requests and streams may take to finish after the instance stops admitting
     * (new ones get 503 with Retry-After; readiness is already down). The drain runs before the web server's own
     * graceful stop; keep the pod's terminationGracePeriodSeconds longer than both.
     */
    private Duration drainTimeout = Duration.ofSeconds(30);

    /**
     * Tool rounds in a row (assistant turns of calls since the last user message) after which a request with tools
     * is answered in text, so a tool-calling loop always ends.
     */
    private int maxToolRounds = 5;

    private final Chat chat = new Chat();

    public String getModel() { return model; }
    public void setModel(String model) { this.model = blankToNull(model); }
    public String getPullModelStrategy() { return pullModelStrategy; }
    public void setPullModelStrategy(String pullModelStrategy) { this.pullModelStrategy = pullModelStrategy; }
    public Hub getHub() { return hub; }
    public Path getModelDir() { return modelDir; }
    public void setModelDir(Path modelDir) { this.modelDir = modelDir; }
    public String getEmbeddedModel() { return embeddedModel; }
    /** A blank value unsets it, so that a profile or a test can name a model folder instead. */
    public void setEmbeddedModel(String embeddedModel) { this.embeddedModel = blankToNull(embeddedModel); }
    public String getDevice() { return device; }
    public void setDevice(String device) { this.device = device; }
    public String getDtype() { return dtype; }
    public void setDtype(String dtype) { this.dtype = dtype; }
    public int getQueueCapacity() { return queueCapacity; }
    public void setQueueCapacity(int queueCapacity) { this.queueCapacity = queueCapacity; }
    public Duration getDrainTimeout() { return drainTimeout; }
    public void setDrainTimeout(Duration drainTimeout) { this.drainTimeout = drainTimeout; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public int getMaxBatchSize() { return maxBatchSize; }
    public void setMaxBatchSize(int maxBatchSize) { this.maxBatchSize = maxBatchSize; }
    public int getMaxToolRounds() { return maxToolRounds; }
    public void setMaxToolRounds(int maxToolRounds) { this.maxToolRounds = maxToolRounds; }
    public Chat getChat() { return chat; }

    /** The engine configuration these properties describe. */
    public EngineConfig toEngineConfig() {
        EngineConfig.Builder b = EngineConfig.builder().device(device).dtype(dtype).queueCapacity(queueCapacity)
                .requestTimeout(requestTimeout).maxToolRounds(maxToolRounds).maxBatchSize(maxBatchSize)
                .defaultOptions(toDecodingOptions());
        if (model != null) {
            b.model(model).pullModelStrategy(PullStrategy.parse(pullModelStrategy)).hub(hub.toSettings());
        } else if (modelDir != null) {
            b.modelDir(modelDir);
        } else {
            b.embeddedModel(embeddedModel);
        }
        return b.build();
    }

    /** The default chat options (every knob set). */
    public ElasticCacheChatOptions toOptions() {
        return ElasticCacheChatOptions.from(toDecodingOptions())
                .stopSequences(chat.options.stopSequences.isEmpty() ? null : chat.options.stopSequences).build();
    }

    DecodingOptions toDecodingOptions() {
        Options o = chat.options;
        DecodingOptions base = DecodingOptions.builder().strategy(o.strategy).blockLength(o.blockLength).steps(o.steps)
                .windowLength(o.windowLength).tokensPerIter(o.tokensPerIter).gamma(o.gamma).trackNum(o.trackNum)
                .blockCaching(o.blockCaching).temperature(o.temperature).remasking(o.remasking).seed(o.seed).build();
        return ElasticCacheChatOptions.builder().maxTokens(o.maxTokens).threshold(o.threshold).build().applyTo(base);
    }

    /** Fails fast on values out of range, naming the property. */
    @Override
    public void afterPropertiesSet() {
        String opt = PREFIX + ".chat.options.";
        require(device != null && Set.of("cpu", "gpu", "auto").contains(device), PREFIX + ".device must be one of cpu, gpu, auto, got " + device);
        try {
            WeightDtype.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + ".dtype: " + e.getMessage());
        }
        List<String> models = new ArrayList<>();
        if (model != null) {
            models.add(PREFIX + ".model=" + model);
        }
        if (modelDir != null) {
            models.add(PREFIX + ".model-dir=" + modelDir);
        }
        if (embeddedModel != null) {
            models.add(PREFIX + ".embedded-model=" + embeddedModel);
        }
        require(models.size() <= 1, "set one of " + PREFIX + ".model, .model-dir and .embedded-model, not "
                + String.join(" and ", models));
        require(embeddedModel == null || EmbeddedModel.NAMES.contains(embeddedModel), PREFIX + ".embedded-model must be one of "
                + EmbeddedModel.NAMES + " (or set " + PREFIX + ".model or .model-dir), got " + embeddedModel);
        if (model != null) {
            try {
                ModelId.parse(model);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PREFIX + ".model: " + e.getMessage());
            }
        }
        try {
            PullStrategy.parse(pullModelStrategy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + ".pull-model-strategy: " + e.getMessage());
        }
        try {
            hub.toSettings();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + ".hub: " + e.getMessage());
        }
        require(drainTimeout != null && !drainTimeout.isNegative(), PREFIX + ".drain-timeout must be >= 0, got " + drainTimeout);
        require(queueCapacity >= 0, PREFIX + ".queue-capacity must be >= 0, got " + queueCapacity);
        require(requestTimeout != null && requestTimeout.toMillis() > 0, PREFIX + ".request-timeout must be > 0, got " + requestTimeout);
        require(maxToolRounds >= 1, PREFIX + ".max-tool-rounds must be >= 1, got " + maxToolRounds);
        require(maxBatchSize >= 1 && maxBatchSize <= EngineConfig.MAX_BATCH_SIZE_LIMIT, PREFIX + ".max-batch-size must be"
                + " between 1 (one request at a time) and " + EngineConfig.MAX_BATCH_SIZE_LIMIT + ", got " + maxBatchSize);
        Options o = chat.options;
        require(o.strategy != null, opt + "strategy must be one of " + List.of(Strategy.values()));
        require(o.maxTokens >= 1, opt + "max-tokens must be >= 1, got " + o.maxTokens);
        require(o.blockLength >= 1, opt + "block-length must be >= 1, got " + o.blockLength);
        require(o.steps >= 0, opt + "steps must be >= 0 (0 = one token per step), got " + o.steps);
        require(o.windowLength >= 1, opt + "window-length must be >= 1, got " + o.windowLength);
        require(o.threshold >= 0 && o.threshold <= 1, opt + "threshold must be in (0, 1] (or 0 for top-k unmasking), got " + o.threshold);
        require(o.tokensPerIter >= 1, opt + "tokens-per-iter must be >= 1, got " + o.tokensPerIter);
        require(o.gamma > 0 && o.gamma <= 1, opt + "gamma must be in (0, 1], got " + o.gamma);
        require(o.trackNum >= 1, opt + "track-num must be >= 1, got " + o.trackNum);
        require(o.temperature >= 0 && Double.isFinite(o.temperature), opt + "temperature must be >= 0, got " + o.temperature);
        for (String stop : o.stopSequences) {
            require(stop != null && !stop.isEmpty(), opt + "stop-sequences must not contain empty entries");
        }
        try {
            toDecodingOptions().validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + ".chat.options: " + e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Where Hub models come from and are kept. Each setting left unset takes the environment variable that Python's
     * huggingface_hub reads, so both share one cache.
     */
    public static class Hub {
        /** The Hub or a mirror (default HF_ENDPOINT, else https://huggingface.co). */
        private URI endpoint;

        /** Access token for gated and private repositories (default HF_TOKEN, else the huggingface-cli login token). */
        private String token;

        /** The model cache (default HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub). */
        private Path cacheDir;

        /** Never touch the network: the cache only (default HF_HUB_OFFLINE). */
        private Boolean offline;

        public URI getEndpoint() { return endpoint; }
        public void setEndpoint(URI endpoint) { this.endpoint = endpoint; }
        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }
        public Path getCacheDir() { return cacheDir; }
        public void setCacheDir(Path cacheDir) { this.cacheDir = cacheDir; }
        public Boolean getOffline() { return offline; }
        public void setOffline(Boolean offline) { this.offline = offline; }

        /** The environment's settings with these properties over them. */
        HubSettings toSettings() {
            HubSettings s = HubSettings.fromEnvironment();
            s = endpoint != null ? s.withEndpoint(endpoint) : s;
            s = token != null ? s.withToken(token) : s;
            s = cacheDir != null ? s.withCacheDir(cacheDir) : s;
            return offline != null ? s.withOffline(offline) : s;
        }
    }

    /** Chat model settings. */
    public static class Chat {
        private final Options options = new Options();

        public Options getOptions() { return options; }
    }

    /** Default chat options; a request's own options override them. */
    public static class Options {

        /** Decoding strategy: elastic, llada, fast-dllm, fast-dllm-prefix or fast-dllm-dual. */
        private Strategy strategy = Strategy.ELASTIC;

        /**
         * Generation length: answer positions appended as masks. Rounded up to a multiple of block-length for
         * the block strategies (llada, fast-dllm*).
         */
        private int maxTokens = 128;

        /** Sampling temperature of the llada strategy (0 = greedy); the parallel strategies decode greedily. */
        private double temperature = 0.0;

        /** Elastic-Cache drift threshold in (0, 1]: a layer whose tracked-token attention similarity falls below it refreshes all deeper layers. */
        private double gamma = 0.9;

        /** Elastic-Cache sliding window: the first N still-masked positions are queried each step. */
        private int windowLength = 16;

        /** Confidence threshold in (0, 1] for parallel unmasking; 0 selects top-k unmasking (tokens-per-iter per step). */
        private double threshold = 0.9;

        /** Most-attended tokens tracked per layer by the drift test. */
        private int trackNum = 1;

        /** Keep cached K/V for masks beyond the window instead of querying them. */
        private boolean blockCaching = true;

        /** Semi-autoregressive block size of the llada and fast-dllm strategies. */
        private int blockLength = 32;

        /** Denoising steps of the llada strategy (and of fast-dllm with threshold 0); 0 = one token per step. */
        private int steps = 0;

        /** Tokens unmasked per step on the top-k path (threshold 0). */
        private int tokensPerIter = 1;

        /** How the llada strategy ranks candidates: low-confidence or random. */
        private Remasking remasking = Remasking.LOW_CONFIDENCE;

        /** Random seed for sampling and random remasking. */
        private long seed = 0;

        /** Texts that end the answer (it is cut before them). */
        private List<String> stopSequences = new ArrayList<>();

        public Strategy getStrategy() { return strategy; }
        public void setStrategy(Strategy strategy) { this.strategy = strategy; }
        public int getMaxTokens() { return maxTokens; }
        public void setMaxTokens(int maxTokens) { this.maxTokens = maxTokens; }
        public double getTemperature() { return temperature; }
        public void setTemperature(double temperature) { this.temperature = temperature; }
        public double getGamma() { return gamma; }
        public void setGamma(double gamma) { this.gamma = gamma; }
        public int getWindowLength() { return windowLength; }
        public void setWindowLength(int windowLength) { this.windowLength = windowLength; }
        public double getThreshold() { return threshold; }
        public void setThreshold(double threshold) { this.threshold = threshold; }
        public int getTrackNum() { return trackNum; }
        public void setTrackNum(int trackNum) { this.trackNum = trackNum; }
        public boolean isBlockCaching() { return blockCaching; }
        public void setBlockCaching(boolean blockCaching) { this.blockCaching = blockCaching; }
        public int getBlockLength() { return blockLength; }
        public void setBlockLength(int blockLength) { this.blockLength = blockLength; }
        public int getSteps() { return steps; }
        public void setSteps(int steps) { this.steps = steps; }
        public int getTokensPerIter() { return tokensPerIter; }
        public void setTokensPerIter(int tokensPerIter) { this.tokensPerIter = tokensPerIter; }
        public Remasking getRemasking() { return remasking; }
        public void setRemasking(Remasking remasking) { this.remasking = remasking; }
        public long getSeed() { return seed; }
        public void setSeed(long seed) { this.seed = seed; }
        public List<String> getStopSequences() { return stopSequences; }
        public void setStopSequences(List<String> stopSequences) { this.stopSequences = stopSequences; }
    }
}
