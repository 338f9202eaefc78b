package dev.elasticcache.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.batch.BatchStatistics;
import dev.elasticcache.batch.BatchedModel;
import dev.elasticcache.batch.StepBatcher;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.decode.DecodeCancelledException;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StructuredDecoder;
import dev.elasticcache.hub.DownloadListener;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.structured.ToolPrompt;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.tokenizer.DreamTokenizer;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.vision.ImageEmbedding;
import dev.elasticcache.vision.ImageFiles;
import dev.elasticcache.vision.ImageRowsModel;
import dev.elasticcache.vision.LladaVisionEncoder;
import dev.elasticcache.vision.VisionConfig;
import dev.elasticcache.tokenizer.TokenText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

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
    private final ThreadPoolExecutor worker;
    private final Set<GenerationHandle> inFlight = ConcurrentHashMap.newKeySet();
    /** The intra-op threads of a request that decodes alone (a batch gives its requests one each). */
    private final int allCores;
    private final AtomicLong lastWallNanos = new AtomicLong(1_000_000_000L);
    private final Semaphore admission;
    private volatile boolean closed;
    private volatile boolean draining;
    /** Notified whenever an admitted request finishes ({@link #awaitIdle}). */
    private final Object idle = new Object();
    private final java.util.List<EngineObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The memory plan's share of the admitted requests (caches, activations, scratch), in bytes. */
    private final AtomicLong requestBytesInUse = new AtomicLong();
    private final StructuredGeneration structured;
    /** How long a batched request's op waits for a member busy outside the model before going on without it. */
    private static final Duration BATCH_MAX_WAIT = Duration.ofMillis(20);

    private ElasticCacheEngine(LladaModel model, LladaTokenizer tokenizer, EngineConfig config, ModelInfo info,
            InfillSettings infill, LladaVisionEncoder vision) {
        this(model, tokenizer, null, tokenizer, new int[] {model.eosTokenId(), tokenizer.eotTokenId()}, config, info,
                infill, vision);
    }

    private ElasticCacheEngine(DreamModel model, DreamTokenizer tokenizer, EngineConfig config, ModelInfo info,
            InfillSettings infill) {
        this(model, null, tokenizer, tokenizer, dreamStopIds(model, tokenizer), config, info, infill, null);
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
        // Admission is decided by the permits (maxBatchSize decoding + queueCapacity waiting), released before a
        // request's future completes, so a caller that saw its answer can submit again at once.
        int threads = config.maxBatchSize();
        this.admission = new Semaphore(config.queueCapacity() + threads);
        AtomicLong threadCount = new AtomicLong();
        // Batched, the cores go to concurrent requests: one intra-op thread each. Several decoding threads with
        // OpenMP teams of their own oversubscribe the cores (their idle team threads spin), measured 1x instead of 2x.
        this.allCores = IntraOpThreads.configured();
        int intraOpThreads = threads > 1 ? 1 : allCores;
        this.worker = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                // Every decoding thread multiplies alike (a fresh thread may not: IntraOpThreads.configured).
                IntraOpThreads.set(intraOpThreads);
                r.run();
            }, "elastic-cache-decoder-" + info.name()
                    + (threads > 1 ? "-" + threadCount.incrementAndGet() : ""));
            t.setDaemon(true);
            return t;
        });
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
        DjlDefaults.apply();
        long start = System.nanoTime();
        Path folder = ModelLocator.folder(config, downloads);
        boolean embedded = config.embeddedModel() != null;
        // An unknown family fails here, naming config.json and listing the supported families.
        ModelFamily family = embedded ? ModelFamily.LLADA : ModelFamily.detect(folder);
        Device device = resolveDevice(config.device());
        if (family == ModelFamily.DREAM) {
            return loadDream(config, folder, device, start);
        }
        LladaTokenizer tokenizer = LladaTokenizer.open(folder);
        LladaModel model = null;
        LladaVisionEncoder vision = null;
        try {
            model = LladaModel.load(folder, device, config.dtype());
            checkTokenizerMatchesModel(folder, tokenizer, model);
            vision = loadVision(folder, device, config.dtype(), model);
            ModelInfo info = new ModelInfo(config.modelName(), folder, model.config(),
                    LladaTensorLayout.parameterCount(model.config()), deviceName(device),
                    Duration.ofNanos(System.nanoTime() - start),
                    embedded ? EmbeddedModel.card(config.embeddedModel()) : ModelCard.read(folder));
            return new ElasticCacheEngine(model, tokenizer, config, info, InfillSettings.read(folder), vision);
        } catch (RuntimeException | Error e) {
            if (vision != null) {
                vision.close();
            }
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** The vision half of a LLaDA-V folder (config.json names an {@code mm_vision_tower}), else null. */
    private static LladaVisionEncoder loadVision(Path folder, Device device, WeightDtype dtype, LladaModel model) {
        Path configJson = folder.resolve(ModelFamily.CONFIG_FILE);
        if (!dev.elasticcache.model.ConfigJson.readObject(configJson, "a model folder").has("mm_vision_tower")) {
            return null;
        }
        LladaVisionEncoder vision = LladaVisionEncoder.load(folder, device, dtype);
        if (vision.config().textHiddenSize() != model.hiddenSize()) {
            int width = vision.config().textHiddenSize();
            vision.close();
            throw new CheckpointException(configJson + ": the projector writes rows of " + width
                    + " but the language model's width is " + model.hiddenSize() + "; the vision and language halves do not belong together");
        }
        return vision;
    }

    /** A Dream folder: DreamModel, DreamTokenizer and its chat_template; nothing stays allocated on failure. */
    private static ElasticCacheEngine loadDream(EngineConfig config, Path folder, Device device, long start) {
        DreamTokenizer tokenizer = DreamTokenizer.open(folder);
        DreamModel model = null;
        try {
            model = DreamModel.load(folder, device, DreamModel.DEFAULT_MAX_CONTEXT, config.dtype());
            checkTokenizerMatchesModel(folder, tokenizer, model);
            ModelInfo info = new ModelInfo(config.modelName(), folder, null,
                    DreamTensorLayout.parameterCount(model.config()), deviceName(device),
                    Duration.ofNanos(System.nanoTime() - start), ModelCard.read(folder), ModelFamily.DREAM);
            return new ElasticCacheEngine(model, tokenizer, config, info, InfillSettings.read(folder));
        } catch (RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    private static void checkTokenizerMatchesModel(Path folder, DreamTokenizer tokenizer, DreamModel model) {
        Path configJson = folder.resolve(ModelFamily.CONFIG_FILE);
        if (tokenizer.maskTokenId() != model.maskTokenId()) {
            throw new CheckpointException(configJson + ": mask_token_id " + model.maskTokenId() + " disagrees with the"
                    + " tokenizer, where " + DreamTokenizer.MASK_TOKEN + " is " + tokenizer.maskTokenId()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
        if (tokenizer.eosTokenId() != model.eosTokenId()) {
            throw new CheckpointException(configJson + ": eos_token_id " + model.eosTokenId() + " disagrees with the"
                    + " tokenizer, where " + DreamTokenizer.EOS_TOKEN + " is " + tokenizer.eosTokenId()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
        if (tokenizer.vocabSize() > model.logitsWidth()) {
            throw new CheckpointException(folder.resolve(DreamTokenizer.TOKENIZER_FILE) + ": the tokenizer has "
                    + tokenizer.vocabSize() + " tokens but the model's head has only " + model.logitsWidth() + " rows");
        }
    }

    /** Dream answers end at {@code <|endoftext|>} (EOS) and at {@code <|im_end|>} (end of a ChatML turn). */
    private static int[] dreamStopIds(DreamModel model, DreamTokenizer tokenizer) {
        return tokenizer.imEndTokenId().isPresent()
                ? new int[] {model.eosTokenId(), tokenizer.imEndTokenId().getAsInt()} : new int[] {model.eosTokenId()};
    }

    private static void checkTokenizerMatchesModel(Path folder, LladaTokenizer tokenizer, LladaModel model) {
        int mask = model.config().maskTokenId();
        if (tokenizer.maskTokenId() != mask) {
            throw new CheckpointException(folder.resolve("config.json") + ": mask_token_id " + mask
                    + " disagrees with tokenizer.json, where <|mdm_mask|> is " + tokenizer.maskTokenId()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
        if (tokenizer.vocabSize() > model.config().embeddingSize()) {
            throw new CheckpointException(folder.resolve("tokenizer.json") + ": the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's embedding has only " + model.config().embeddingSize() + " rows");
        }
    }

    /** A device as people write it ({@code cpu}, {@code gpu(0)}), not DJL's {@code cpu()}. */
    static String deviceName(Device device) {
        return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : device.getDeviceType();
    }

    private static Device resolveDevice(String device) {
        int gpus = device.equals("cpu") ? 0 : Engine.getEngine("PyTorch").getGpuCount();
        if (device.equals("gpu") && gpus == 0) {
            throw new IllegalStateException("device 'gpu' was requested but DJL's PyTorch engine sees no CUDA device;"
                    + " install a CUDA build of libtorch 2.7.1 and set PYTORCH_LIBRARY_PATH (see README, GPU), or use cpu");
        }
        return gpus > 0 ? Device.gpu() : Device.cpu();
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
        if (draining) {
            notifyObservers(o -> o.refused(EngineObserver.Refusal.DRAINING));
            throw new EngineDrainingException(retryAfter());
        }
        PreparedRequest prepared;
        try {
            prepared = prepare(request);
        } catch (IllegalArgumentException e) {
            notifyObservers(o -> o.refused(EngineObserver.Refusal.INVALID));
            throw e;
        }
        GenerationHandle handle = new GenerationHandle();
        long deadline = submitted + timeoutOf(request).toNanos();
        GenerationListener sink = observed(listener == null ? new GenerationListener() {} : listener, submitted);
        if (!admission.tryAcquire()) {
            notifyObservers(o -> o.refused(EngineObserver.Refusal.OVERLOADED));
            throw new EngineOverloadedException(config.queueCapacity(), retryAfter());
        }
        inFlight.add(handle);
        requestBytesInUse.addAndGet(prepared.memoryBytes());
        try {
            worker.execute(() -> run(prepared, handle, sink, deadline, timeoutOf(request)));
        } catch (RejectedExecutionException e) {
            inFlight.remove(handle);
            requestBytesInUse.addAndGet(-prepared.memoryBytes());
            admission.release();
            throw new IllegalStateException("the elastic-cache engine is closed", e);
        }
        return handle;
    }

    /** Registers an observer of every request (metrics); it hears requests submitted from now on. */
    public void observe(EngineObserver observer) {
        observers.add(java.util.Objects.requireNonNull(observer, "observer"));
    }

    /** {@code listener}, telling the observers when the first text arrives and how the request ends. */
    private GenerationListener observed(GenerationListener listener, long submitted) {
        if (observers.isEmpty()) {
            return listener;
        }
        return new GenerationListener() {
            private boolean first = true;

            @Override
            public void onText(String delta) {
                if (first) {
                    first = false;
                    Duration since = Duration.ofNanos(System.nanoTime() - submitted);
                    notifyObservers(o -> o.firstText(since));
                }
                listener.onText(delta);
            }

            @Override
            public void onStep(dev.elasticcache.decode.StepRecord step) {
                listener.onStep(step);
            }

            @Override
            public void onComplete(GenerationResult result) {
                Duration since = Duration.ofNanos(System.nanoTime() - submitted);
                notifyObservers(o -> o.completed(result, since));
                listener.onComplete(result);
            }

            @Override
            public void onError(Throwable error) {
                notifyObservers(o -> o.failed(error));
                listener.onError(error);
            }
        };
    }

    private void notifyObservers(java.util.function.Consumer<EngineObserver> event) {
        for (EngineObserver o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                // an observer's failure must not fail the request it watches
            }
        }
    }

    private void run(PreparedRequest request, GenerationHandle handle, GenerationListener listener, long deadline,
            Duration timeout) {
        GenerationResult result = null;
        Throwable failure = null;
        try {
            if (handle.isCancelled() || closed) {
                throw closed ? new IllegalStateException("the elastic-cache engine is closed")
                        : new CancellationException("cancelled before start");
            }
            if (System.nanoTime() > deadline) {
                throw new GenerationTimeoutException(timeout);
            }
            if (batcher != null) {
                // A request that starts alone has every core, whatever max-batch-size says (a lone step of a large
                // model would otherwise run at half speed on two cores); requests that overlap get one each.
                IntraOpThreads.set(inFlight.size() <= 1 ? allCores : 1);
                batcher.join();
            }
            result = decode(request, handle, listener, deadline, timeout);
            lastWallNanos.set(result.stats().wallNanos());
        } catch (Throwable e) {
            failure = e;
        } finally {
            if (batcher != null) {
                batcher.leave();
            }
            inFlight.remove(handle);
            requestBytesInUse.addAndGet(-request.memoryBytes());
            admission.release();
            synchronized (idle) {
                idle.notifyAll();
            }
        }
        // The listener hears first, so a caller that waits on the result never sees it before the listener's
        // completion; the result completes even if the listener throws.
        if (failure == null) {
            try {
                listener.onComplete(result);
            } finally {
                handle.result().complete(result);
            }
        } else {
            try {
                listener.onError(failure);
            } finally {
                handle.result().completeExceptionally(failure);
            }
        }
    }

    private GenerationResult decode(PreparedRequest request, GenerationHandle handle, GenerationListener listener,
            long deadline, Duration timeout) {
        if (request.images() != null) {
            // One spliced model per request: its image rows serve the structured and the text path alike.
            try (ImageRowsModel withImages = new ImageRowsModel(decodingModel, request.images(), model.logitsWidth())) {
                return decode(withImages, request, handle, listener, deadline, timeout);
            }
        }
        return decode(decodingModel, request, handle, listener, deadline, timeout);
    }

    private GenerationResult decode(DiffusionModel decoding, PreparedRequest request, GenerationHandle handle,
            GenerationListener listener, long deadline, Duration timeout) {
        return request.plan() != null ? decodeStructured(decoding, request, handle, listener, deadline, timeout)
                : decodeText(decoding, request, handle, listener, deadline, timeout);
    }

    /** Free-text decoding of a prepared request on {@code decoding} (the engine's model, or it with image rows). */
    private GenerationResult decodeText(DiffusionModel decoding, PreparedRequest request, GenerationHandle handle,
            GenerationListener listener, long deadline, Duration timeout) {
        int[] terminators = stopIds;
        AnswerText answer = new AnswerText(text, request.promptIds().length, model.maskTokenId(),
                terminators, request.stopSequences());
        DecodeRun run = new DecodeRun(decoding, request.promptIds(), request.options(), (step, sequence) -> outside(() -> {
            listener.onStep(step);
            String delta = answer.advance(sequence, false);
            if (!delta.isEmpty()) {
                listener.onText(delta);
            }
        }), () -> handle.isCancelled() || answer.stopped() || System.nanoTime() > deadline || closed, request.trace())
                .withTerminators(Arrays.copyOfRange(stopIds, 1, stopIds.length));
        if (text.vocabSize() < model.logitsWidth()) {
            // Padding rows of the head (Dream-7B: 152064 logits, 151667 ids; a LLaDA embedding padded past its
            // tokenizer) are never emitted: the tokenizer could not write them.
            run.withVocabularyLimit(text.vocabSize());
        }
        DecodeResult result;
        try {
            result = Decoder.of(request.options().strategy()).decode(run);
        } catch (DecodeCancelledException e) {
            if (!answer.stopped()) {
                throw System.nanoTime() > deadline ? new GenerationTimeoutException(timeout) : e;
            }
            result = run.finish();
        }
        String delta = answer.advance(result.sequence(), true);
        if (!delta.isEmpty()) {
            outside(() -> listener.onText(delta));
        }
        FinishReason reason = answer.stopped() ? FinishReason.STOP_SEQUENCE
                : result.stats().answerTokens() < request.options().genLength() ? FinishReason.STOP : FinishReason.LENGTH;
        int generated = answer.stopped() ? text.encode(answer.text()).length : result.stats().answerTokens();
        boolean empty = reason == FinishReason.STOP && result.stats().answerTokens() == 0;
        return new GenerationResult(answer.text(), empty ? FinishReason.EMPTY : reason,
                new Usage(request.promptIds().length, generated), result.stats(), request.promptIds(), result.sequence(),
                result.trace(), null, List.of(), List.of(), empty ? info.card().emptyAnswerHint() : null);
    }

    /**
     * A schema document or tool calls (a text answer when tool choice {@code auto} decides against a call and
     * there is no schema). The document streams as one piece once it is complete: its values are filled out of
     * order and only the whole canvas is guaranteed valid.
     */
    private GenerationResult decodeStructured(DiffusionModel decoding, PreparedRequest request,
            GenerationHandle handle, GenerationListener listener, long deadline, Duration timeout) {
        StructuredGeneration structured = this.structured.over(decoding);
        StructuredGeneration.Plan plan = request.plan();
        StructuredDecoder.Hooks hooks = new StructuredDecoder.Hooks((step, sequence) -> outside(() -> listener.onStep(step)),
                () -> handle.isCancelled() || System.nanoTime() > deadline || closed, request.trace());
        try {
            StructuredGeneration.Decision decision = structured.decideCall(plan, request.promptIds(), request.options());
            if (!decision.call() && plan.schema() == null) {
                GenerationResult text = decodeText(decoding, request.withoutPlan(), handle, listener, deadline, timeout);
                DecodingStats stats = decision.cost() == null ? text.stats() : decision.cost().plus(text.stats());
                return new GenerationResult(text.text(), text.finishReason(), text.usage(), stats, text.promptIds(),
                        text.sequence(), text.trace(), null, List.of(), List.of(), text.hint());
            }
            StructuredGeneration.Outcome o = decision.call()
                    ? structured.calls(plan, request.promptIds(), request.options(), hooks, decision.cost())
                    : structured.document(plan, request.promptIds(), request.options(), hooks, decision.cost());
            String text = o.json() == null ? "" : o.json();
            if (!text.isEmpty()) {
                outside(() -> listener.onText(text));
            }
            FinishReason reason = o.calls().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
            return new GenerationResult(text, reason, new Usage(request.promptIds().length, o.stats().answerTokens()),
                    o.stats(), request.promptIds(), o.last().sequence(), o.trace(), o.json(), o.calls(), o.last().slots(), null);
        } catch (DecodeCancelledException e) {
            throw System.nanoTime() > deadline ? new GenerationTimeoutException(timeout) : e;
        }
    }

    /** A chat prompt with its image rows in prompt order, [rows, hidden] row-major. */
    private record ImagePrompt(int[] ids, float[] rows) {}

    /**
     * The prompt of a chat with images, as LLaDA-V builds it: each image's {@code <image>} placeholder before its
     * message's text, the conversation rendered by the chat template, the text between placeholders tokenized
     * piece by piece, and each placeholder replaced by the image's rows (placeholder ids past the head, embedded
     * as those rows by {@link ImageRowsModel}); offered tools are rendered into the system turn as for text. The
     * vision tower runs here, once per image, on the caller's thread.
     */
    private ImagePrompt imagePrompt(GenerationRequest request) {
        if (vision == null) {
            throw new IllegalArgumentException("the loaded model (" + info.name() + ") is a text-only " + info.family().displayName()
                    + " model and takes no images; load a LLaDA-V folder or send the request without images");
        }
        List<ChatMessage> messages = new java.util.ArrayList<>(request.messages());
        int[] perMessage = new int[messages.size()];
        for (ChatImage image : request.images()) {
            if (image.message() < 0 || image.message() >= messages.size()
                    || messages.get(image.message()).role() != ChatMessage.Role.USER) {
                throw new IllegalArgumentException(image.name() + ": an image belongs to a user message; message "
                        + image.message() + " is " + (image.message() < 0 || image.message() >= messages.size()
                        ? "not in the conversation" : "a " + messages.get(image.message()).role() + " message"));
            }
            perMessage[image.message()]++;
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.content().contains(VisionConfig.IMAGE_PLACEHOLDER)) {
                throw new IllegalArgumentException("message " + i + " contains the text " + VisionConfig.IMAGE_PLACEHOLDER
                        + ", which this model reads as an image slot; remove it (images are placed before the text)");
            }
            if (perMessage[i] > 0) {
                messages.set(i, ChatMessage.user(VisionConfig.IMAGE_PLACEHOLDER.repeat(perMessage[i]) + "\n" + m.content()));
            }
        }
        // Images in prompt order: by message, then as attached.
        List<ChatImage> ordered = new java.util.ArrayList<>(request.images());
        ordered.sort(java.util.Comparator.comparingInt(ChatImage::message));
        List<ImageEmbedding> embeddings = new java.util.ArrayList<>();
        for (ChatImage image : ordered) {
            embeddings.add(vision.encode(ImageFiles.decode(image.data(), image.name())));
        }
        // Tools go into the system turn as without images; the placeholders stay in their user turns.
        messages = ToolPrompt.withTools(messages, request.tools(), structured.compiler());
        String[] pieces = tokenizer.renderChat(messages).split(java.util.regex.Pattern.quote(VisionConfig.IMAGE_PLACEHOLDER), -1);
        if (pieces.length != embeddings.size() + 1) {
            throw new IllegalArgumentException("the system prompt or a tool definition contains the text "
                    + VisionConfig.IMAGE_PLACEHOLDER + ", which this model reads as an image slot; remove it");
        }
        List<int[]> idParts = new java.util.ArrayList<>();
        idParts.add(tokenizer.encode(pieces[0]));
        float[] all = new float[embeddings.stream().mapToInt(e -> e.data().length).sum()];
        int placed = 0;
        for (int i = 0; i < embeddings.size(); i++) {
            ImageEmbedding e = embeddings.get(i);
            System.arraycopy(e.data(), 0, all, placed * model.hiddenSize(), e.data().length);
            idParts.add(ImageRowsModel.placeholders(model.logitsWidth(), placed, e.tokens()));
            idParts.add(tokenizer.encode(pieces[i + 1]));
            placed += e.tokens();
        }
        int[] ids = idParts.stream().flatMapToInt(Arrays::stream).toArray();
        return new ImagePrompt(ids, all);
    }

    /** Whether the loaded model takes images (a LLaDA-V folder). */
    public boolean acceptsImages() {
        return vision != null;
    }

    /** Runs a listener callback so that the batch does not wait for it (a slow client stalls only its own request). */
    private void outside(Runnable callback) {
        if (batcher == null) {
            callback.run();
        } else {
            batcher.outside(callback);
        }
    }

    /** Validates a request and resolves its prompt ids and options (on the caller's thread). */
    private PreparedRequest prepare(GenerationRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        DecodingOptions options = (request.options() == null ? config.defaultOptions() : request.options()).validate();
        for (String stop : request.stopSequences()) {
            if (stop == null || stop.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty strings; remove the empty entry");
            }
        }
        int forms = (request.messages() != null ? 1 : 0) + (request.text() != null ? 1 : 0)
                + (request.promptIds() != null ? 1 : 0);
        if (forms != 1) {
            throw new IllegalArgumentException("set exactly one of messages, text or promptIds (got " + forms + ")");
        }
        int[] ids;
        float[] images = null;
        if (!request.images().isEmpty() && request.messages() == null) {
            throw new IllegalArgumentException("images need a chat request (messages); attach them to a user message");
        }
        if (request.promptIds() != null) {
            ids = request.promptIds().clone();
            int vocabulary = dreamTokenizer != null ? text.vocabSize() : model.logitsWidth();
            for (int id : ids) {
                if (id < 0 || id >= vocabulary) {
                    throw new IllegalArgumentException("prompt token id " + id + " is outside the vocabulary [0, "
                            + vocabulary + ")");
                }
            }
        } else if (request.text() != null) {
            ids = text.encode(requireText(request.text(), "prompt text"));
        } else {
            if (request.messages().isEmpty()) {
                throw new IllegalArgumentException("messages must not be empty; add at least one user message");
            }
            boolean anyContent = false;
            for (var m : request.messages()) {
                requireUtf8(m.content(), "message content");
                anyContent |= !m.content().isBlank();
            }
            if (!anyContent) {
                throw new IllegalArgumentException("the prompt is blank; send a non-empty message");
            }
            if (request.images().isEmpty()) {
                ids = encodeChat(ToolPrompt.withTools(request.messages(), request.tools(), structured.compiler()));
            } else {
                ImagePrompt prompt = imagePrompt(request);
                ids = prompt.ids();
                images = prompt.rows();
            }
        }
        if (!request.tools().isEmpty() && request.messages() == null) {
            throw new IllegalArgumentException("tools need a chat request (messages); the tool list is rendered into its"
                    + " system turn");
        }
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; send a non-empty prompt");
        }
        for (int id : ids) {
            if (id == model.maskTokenId()) {
                throw new IllegalArgumentException("the prompt contains the mask token "
                        + (dreamTokenizer != null ? DreamTokenizer.MASK_TOKEN : LladaTokenizer.MASK_TOKEN)
                        + "; remove it from the input");
            }
        }
        int max = model.maxLength();
        if (ids.length + options.genLength() > max) {
            throw new IllegalArgumentException("prompt too long: " + ids.length + " prompt tokens + genLength "
                    + options.genLength() + " = " + (ids.length + options.genLength())
                    + " exceeds the model's max sequence length " + max + "; shorten the prompt or lower genLength");
        }
        long memoryBytes = checkMemory(ids.length, options);
        StructuredGeneration.Plan plan = request.structured() ? structured.plan(request, ids.length, options) : null;
        if (plan != null && !request.stopSequences().isEmpty() && plan.schema() != null) {
            throw new IllegalArgumentException("stop sequences cannot cut a schema document; remove them or the output schema");
        }
        return new PreparedRequest(ids, options, request.stopSequences(), request.trace(), plan, images, memoryBytes);
    }

    /**
     * Refuses a request whose caches and step activations, next to the weights and the requests that may run beside
     * it, would not fit in memory (a clear 400 instead of an out-of-memory crash that would take every request down).
     */
    private long checkMemory(int promptTokens, DecodingOptions options) {
        int genLength = options.genLength();
        MemoryPlan plan = memoryPlan(promptTokens, genLength, options.strategy());
        if (!plan.fits()) {
            MemoryPlan alone = memoryPlan(promptTokens, genLength, options.strategy(), 1);
            throw new IllegalArgumentException("the request does not fit in memory: " + promptTokens + " prompt tokens + "
                    + genLength + " answer positions with " + options.strategy().id() + " need "
                    + MemoryBudget.size(plan.activationBytes() + plan.cacheBytes())
                    + " per request (x " + plan.requests() + " decoding at once), " + MemoryBudget.size(plan.total())
                    + " in all with the weights, of " + MemoryBudget.size(memory) + "; shorten the prompt or the generation"
                    + " length" + (alone.fits() ? ", or lower max-batch-size" : ""));
        }
        return plan.requestBytes();
    }

    private static String requireText(String text, String what) {
        requireUtf8(text, what);
        if (text.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is blank; send a non-empty prompt");
        }
        return text;
    }

    private static void requireUtf8(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
            throw new IllegalArgumentException("the " + what + " is not valid Unicode (unpaired surrogate);"
                    + " send UTF-8 text");
        }
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

    private Duration retryAfter() {
        long nanos = lastWallNanos.get() * Math.max(1, worker.getQueue().size()) / config.maxBatchSize();
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(nanos / 1e9)));
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
        return dreamTokenizer != null ? dreamTokenizer.encodeChat(messages) : tokenizer.encodeChat(messages);
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
        return worker.getActiveCount();
    }

    /** Requests waiting in the queue (not counting those decoding). */
    public int queuedRequests() {
        return worker.getQueue().size();
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
        draining = true;
    }

    /** Whether {@link #drain()} was called: the engine admits nothing new. */
    public boolean isDraining() {
        return draining;
    }

    /** The memory plan's share of the admitted requests (caches, step activations, scratch), in bytes. */
    public long requestMemoryInUse() {
        return requestBytesInUse.get();
    }

    /** Memory left for requests once the weights and runtime are counted (what {@link #requestMemoryInUse} fills). */
    public long requestMemoryCapacity() {
        return memoryPlan(0, 0, Strategy.LLADA, 0).requestCapacity();
    }

    /** Requests admitted and not finished: waiting and decoding. */
    public int admittedRequests() {
        return inFlight.size();
    }

    /**
     * Waits until no admitted request is left (queued or decoding), at most {@code timeout}.
     *
     * @return whether the engine is idle
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Cancels queued and running requests, waits for the decoding thread, then frees the model. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inFlight.forEach(GenerationHandle::cancel);
        worker.shutdown();
        try {
            worker.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** A validated request; {@code memoryBytes} is its share of the memory plan while it is admitted. */
    private record PreparedRequest(int[] promptIds, DecodingOptions options, java.util.List<String> stopSequences,
            boolean trace, StructuredGeneration.Plan plan, float[] images, long memoryBytes) {

        PreparedRequest withoutPlan() {
            return new PreparedRequest(promptIds, options, stopSequences, trace, null, images, memoryBytes);
        }
    }

}
