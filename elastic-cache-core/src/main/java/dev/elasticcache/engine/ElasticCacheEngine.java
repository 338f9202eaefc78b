package dev.elasticcache.engine;

import dev.elasticcache.batch.BatchStatistics;
import dev.elasticcache.batch.BatchedModel;
import dev.elasticcache.batch.StepBatcher;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.hub.DownloadListener;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.tokenizer.DreamTokenizer;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.vision.LladaVisionEncoder;
import dev.elasticcache.tokenizer.TokenText;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The public facade: one loaded model (LLaDA, or Dream: the family is read from config.json) and its tokenizer,
 * decoding up to {@code maxBatchSize} requests together while up to {@code queueCapacity} more wait. A full queue
 * refuses at once with {@link EngineOverloadedException}; every request has a deadline; cancelled, timed-out and
 * failed requests free their native memory and leave the batch without disturbing the others. Thread-safe; close
 * it to free the weights.
 *
 * <p>Batching: each decoding request has its own thread, decoder, caches and decisions; their row-wise work
 * (projections, MLP, head) runs as one matrix per layer ({@link BatchedModel}), and each request decodes exactly
 * the tokens it decodes alone (at one intra-op thread, bit for bit; see {@link dev.elasticcache.batch.StepBatcher}).
 */
public final class ElasticCacheEngine implements AutoCloseable {
    private final DiffusionModel model;
    /** The vision tower and projector of a LLaDA-V folder, or null for a text-only model. */
    private final LladaVisionEncoder vision;
    /** What decoders run on: {@link #model}, or a {@link BatchedModel} over it when batches hold more than one. */
    private final DiffusionModel decodingModel;
    /** The batcher of {@link #decodingModel}, or null when requests decode one at a time. */
    private final StepBatcher batcher;
    /** The LLaDA tokenizer, or null for another family. */
    private final LladaTokenizer tokenizer;
    /** The Dream tokenizer, or null for another family. */
    private final DreamTokenizer dreamTokenizer;
    /** Whichever of the two is loaded. */
    private final TokenText text;
    /** EOS, then the end-of-turn token: where an answer ends. */
    private final int[] stopIds;
    private final EngineConfig config;
    private final ModelInfo info;
    /** Memory of this machine or container: what requests are planned against. */
    private final long memory = MemoryBudget.totalMemory();
    private final RequestScheduler scheduler;
    /** Memory left for requests beside weights and runtime: fixed once the model is loaded (metrics read it often). */
    private final long requestMemoryCapacity;
    private volatile boolean closed;
    private final EngineObservers observers = new EngineObservers();
    private final StructuredGeneration structured;
    private final PromptEncoder prompts;
    /** How long a batched request's op waits for a member busy outside the model before going on without it. */
    private static final Duration BATCH_MAX_WAIT = Duration.ofMillis(20);

    ElasticCacheEngine(LladaModel model, LladaTokenizer tokenizer, EngineConfig config, ModelInfo info,
            InfillSettings infill, LladaVisionEncoder vision) {
        this(model, tokenizer, null, tokenizer, new int[] {model.eosTokenId(), tokenizer.eotTokenId()}, config, info,
                infill, vision);
    }

    ElasticCacheEngine(DreamModel model, DreamTokenizer tokenizer, EngineConfig config, ModelInfo info,
            InfillSettings infill) {
        this(model, null, tokenizer, tokenizer, EngineLoader.dreamStopIds(model, tokenizer), config, info, infill, null);
    }

    private ElasticCacheEngine(DiffusionModel model, LladaTokenizer tokenizer, DreamTokenizer dreamTokenizer, TokenText text,
            int[] stopIds, EngineConfig config, ModelInfo info, InfillSettings infill, LladaVisionEncoder vision) {
        this.model = model;
        this.vision = vision;
        if (config.maxBatchSize() > 1) {
            BatchedModel batched = new BatchedModel(model, BATCH_MAX_WAIT, Runtime.getRuntime().availableProcessors());
            this.decodingModel = batched;
            this.batcher = batched.batcher();
        } else {
            this.decodingModel = model;
            this.batcher = null;
        }
        // The canvas trailer ends the turn (stopIds' last: <|eot_id|>, <|im_end|>) and pads with EOS.
        StructuredGeneration structured = new StructuredGeneration(decodingModel, text, model.eosTokenId(),
                stopIds[stopIds.length - 1], infill.format(text, model.eosTokenId(), model.maskTokenId()),
                config.infillLimits(), config.maxToolRounds());
        this.tokenizer = tokenizer;
        this.dreamTokenizer = dreamTokenizer;
        this.text = text;
        this.stopIds = stopIds;
        this.config = config;
        this.info = info;
        this.structured = structured;
        this.prompts = new PromptEncoder(model, tokenizer, dreamTokenizer, text, vision, info, config, structured,
                this::memoryPlan);
        GenerationRunner runner = new GenerationRunner(model, decodingModel, batcher, text, stopIds, info, structured,
                () -> closed);
        this.scheduler = new RequestScheduler(config, info.name(), batcher, runner::decode);
        this.requestMemoryCapacity = memoryPlan(0, 0, Strategy.LLADA, 0).requestCapacity();
    }

    /**
     * Loads the model and tokenizer named by {@code config}. On any failure nothing stays allocated and the
     * exception names the file at fault.
     */
    public static ElasticCacheEngine load(EngineConfig config) {
        return load(config, DownloadListener.NONE);
    }

    /**
     * Loads the model named by {@code config}; a Hub model missing from the cache is downloaded first (as the
     * pull-model strategy allows), its progress told to {@code downloads}.
     *
     * @throws dev.elasticcache.hub.HubException when a Hub model cannot be had (the message says what to do)
     */
    public static ElasticCacheEngine load(EngineConfig config, DownloadListener downloads) {
        return EngineLoader.load(config, downloads);
    }

    /** The memory plan of {@code promptTokens + genLength}-token requests, as many at once as batches hold. */
    public MemoryPlan memoryPlan(int promptTokens, int genLength, Strategy strategy) {
        return memoryPlan(promptTokens, genLength, strategy, config.maxBatchSize());
    }

    /** The memory plan of {@code requests} requests decoding at once. */
    public MemoryPlan memoryPlan(int promptTokens, int genLength, Strategy strategy, int requests) {
        long visionBytes = vision == null ? 0 : vision.footprint().residentBytes() + vision.footprint().mappedBytes();
        return MemoryPlan.of(model, visionBytes, promptTokens, genLength, strategy, requests, memory);
    }

    /** Generates and waits for the answer (subject to the request's timeout). */
    public GenerationResult generate(GenerationRequest request) {
        return await(submit(request, null), timeoutOf(request));
    }

    /** Generates, streaming text and steps to {@code listener}, and waits for the answer. */
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        return await(submit(request, listener), timeoutOf(request));
    }

    /**
     * Queues a generation and returns at once.
     *
     * @throws IllegalArgumentException when the request is invalid (message names the fix)
     * @throws EngineOverloadedException when the queue is full
     * @throws EngineDrainingException after {@link #drain()}
     * @throws IllegalStateException after {@link #close()}
     */
    public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
        ensureOpen();
        long submitted = System.nanoTime();
        if (scheduler.isDraining()) {
            observers.refused(EngineObserver.Refusal.DRAINING);
            throw new EngineDrainingException(scheduler.retryAfter());
        }
        PreparedRequest prepared;
        try {
            prepared = prompts.prepare(request);
        } catch (IllegalArgumentException e) {
            observers.refused(EngineObserver.Refusal.INVALID);
            throw e;
        }
        long deadline = submitted + timeoutOf(request).toNanos();
        GenerationListener sink = observers.watching(listener == null ? new GenerationListener() {} : listener,
                prepared.options().strategy(), submitted);
        try {
            return scheduler.admit(prepared, sink, deadline, timeoutOf(request));
        } catch (EngineOverloadedException e) {
            observers.refused(EngineObserver.Refusal.OVERLOADED);
            throw e;
        }
    }

    /** Registers an observer of every request (metrics); it hears requests submitted from now on. */
    public void observe(EngineObserver observer) {
        observers.add(observer);
    }

    /** Whether the loaded model takes images (a LLaDA-V folder). */
    public boolean acceptsImages() {
        return vision != null;
    }

    private Duration timeoutOf(GenerationRequest request) {
        Duration t = request == null || request.timeout() == null ? config.requestTimeout() : request.timeout();
        if (t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, got " + t);
        }
        return t;
    }

    private GenerationResult await(GenerationHandle handle, Duration timeout) {
        try {
            // The worker enforces the deadline; the margin covers a step in flight when it passes.
            return handle.result().get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the generation");
        } catch (TimeoutException e) {
            handle.cancel();
            throw new GenerationTimeoutException(timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the elastic-cache engine is closed; create a new one");
        }
    }

    public ModelInfo modelInfo() {
        return info;
    }

    public EngineConfig config() {
        return config;
    }

    /** The default decoding options of this engine. */
    public DecodingOptions defaultOptions() {
        return config.defaultOptions();
    }

    /**
     * The LLaDA tokenizer.
     *
     * @throws IllegalStateException when the loaded model is of another family (see {@link #textTokenizer()})
     */
    public LladaTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException("the loaded model is " + info.family().displayName()
                    + ", not LLaDA; use textTokenizer() or dreamTokenizer()");
        }
        return tokenizer;
    }

    /** The Dream tokenizer, when the loaded model is Dream. */
    public java.util.Optional<DreamTokenizer> dreamTokenizer() {
        return java.util.Optional.ofNullable(dreamTokenizer);
    }

    /**
     * The prompt ids of a conversation as this engine encodes it (the family's chat template, generation prompt
     * appended; no tools): for callers that relate step positions to the prompt, as the sample's decoding view.
     */
    public int[] encodeChat(List<ChatMessage> messages) {
        return prompts.encodeChat(messages);
    }

    /** The token that ends an assistant turn ({@code <|eot_id|>} for LLaDA, {@code <|im_end|>} for Dream; EOS when none). */
    public int endOfTurnTokenId() {
        return stopIds[stopIds.length - 1];
    }

    /** The loaded tokenizer as text in, ids out, whatever the family. */
    public TokenText textTokenizer() {
        return text;
    }

    /** The loaded model's family. */
    public ModelFamily family() {
        return info.family();
    }

    /**
     * The loaded LLaDA model (for benchmarks and advanced use; do not close it).
     *
     * @throws IllegalStateException when the loaded model is of another family (see {@link #diffusionModel()})
     */
    public LladaModel model() {
        if (!(model instanceof LladaModel llada)) {
            throw new IllegalStateException("the loaded model is " + info.family().displayName()
                    + ", not LLaDA; use diffusionModel()");
        }
        return llada;
    }

    /** The loaded model, whatever its family (do not close it). */
    public DiffusionModel diffusionModel() {
        return model;
    }

    /** What batching has done so far (all zero when requests decode one at a time). */
    public BatchStatistics batchStatistics() {
        return batcher == null ? new BatchStatistics(0, 0, 0, 0, 0) : batcher.statistics();
    }

    /** Requests decoding now (at most {@link EngineConfig#maxBatchSize()}). */
    public int decodingRequests() {
        return scheduler.decodingRequests();
    }

    /** Requests waiting in the queue (not counting those decoding). */
    public int queuedRequests() {
        return scheduler.queuedRequests();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops admitting requests: from now on {@link #submit} refuses with {@link EngineDrainingException}, while
     * the requests already queued or decoding run to their end. Used before shutdown, so that no admitted request
     * is lost; cannot be undone.
     */
    public void drain() {
        scheduler.drain();
    }

    /** Whether {@link #drain()} was called: the engine admits nothing new. */
    public boolean isDraining() {
        return scheduler.isDraining();
    }

    /** The memory plan's share of the admitted requests (caches, step activations, scratch), in bytes. */
    public long requestMemoryInUse() {
        return scheduler.requestMemoryInUse();
    }

    /** Memory left for requests once the weights and runtime are counted (what {@link #requestMemoryInUse} fills). */
    public long requestMemoryCapacity() {
        return requestMemoryCapacity;
    }

    /** Requests admitted and not finished: waiting and decoding. */
    public int admittedRequests() {
        return scheduler.admittedRequests();
    }

    /**
     * Waits until no admitted request is left (queued or decoding), at most {@code timeout}.
     *
     * @return whether the engine is idle
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return scheduler.awaitIdle(timeout);
    }

    /** Cancels queued and running requests, waits for the decoding thread, then frees the model. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        if (vision != null) {
            vision.close();
        }
        model.close();
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (dreamTokenizer != null) {
            dreamTokenizer.close();
        }
    }
}
