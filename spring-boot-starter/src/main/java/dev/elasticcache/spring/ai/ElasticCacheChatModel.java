package dev.elasticcache.spring.ai;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.engine.ChatImage;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.FinishReason;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.tokenizer.ToolCall;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.ChatMessage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.MessageAggregator;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.ToolCallback;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Spring AI {@link ChatModel} on an in-JVM {@link ElasticCacheEngine} (a LLaDA masked-diffusion model).
 *
 * <p>Per-request {@link ElasticCacheChatOptions} (or portable {@code ChatOptions}) override the defaults
 * returned by {@link #getOptions()}. Responses carry token usage in {@link ChatResponseMetadata#getUsage()}
 * and the decoding statistics under the {@code METADATA_*} keys. {@link #stream(Prompt)} emits text as the
 * finished prefix of the answer grows; its last chunk has empty text and carries finish reason, usage and
 * statistics; cancelling the subscription stops decoding within one step. Tool callbacks in the options are
 * offered to the model; an answer that calls tools is an {@link AssistantMessage} with tool calls (finish reason
 * {@code TOOL_CALLS}) for Spring AI's {@code ToolCallingAdvisor} to execute, and the next prompt's
 * {@link ToolResponseMessage}s become tool turns. An {@code outputSchema} makes the answer a JSON document decoded
 * by infilling (valid by construction). Engine exceptions
 * ({@code EngineOverloadedException}, {@code GenerationTimeoutException}, {@code IllegalArgumentException}
 * for invalid options or prompts) reach the caller unchanged. The engine is not owned: close it yourself.
 */
public final class ElasticCacheChatModel implements ChatModel {

    /** The provider name reported to observations. */
    public static final String PROVIDER = "elastic-cache";
    /** Decoding strategy that ran ({@code elastic}, {@code llada}, ...). */
    public static final String METADATA_STRATEGY = "strategy";
    /** Forward passes (network function evaluations), an Integer. */
    public static final String METADATA_NFE = "nfe";
    /** Fraction of layers fully recomputed over all steps, a Double in [0, 1]. */
    public static final String METADATA_RECOMPUTE_FRACTION = "recompute-fraction";
    /** Answer tokens per second of decoding, a Double. */
    public static final String METADATA_TOKENS_PER_SECOND = "tokens-per-second";
    /** Positions decoded per forward pass, a Double. */
    public static final String METADATA_TOKENS_PER_STEP = "tokens-per-step";
    /** Wall time of the decoding loop in milliseconds, a Double. */
    public static final String METADATA_DECODE_MILLIS = "decode-millis";
    /** The engine's own finish reason ({@code STOP}, {@code LENGTH}, {@code STOP_SEQUENCE}), in generation metadata. */
    public static final String METADATA_ENGINE_FINISH_REASON = "engine-finish-reason";
    /** Generation metadata key: for an empty answer (engine finish reason {@code EMPTY}), why and what to try. */
    public static final String METADATA_EMPTY_ANSWER_HINT = "empty-answer-hint";

    private static final Logger log = LoggerFactory.getLogger(ElasticCacheChatModel.class);
    private static final ChatModelObservationConvention DEFAULT_CONVENTION = new DefaultChatModelObservationConvention();

    private final ElasticCacheEngine engine;
    private final ElasticCacheChatOptions defaultOptions;
    private final ObservationRegistry observationRegistry;
    private final List<GenerationStatsListener> statsListeners;
    private @Nullable ChatModelObservationConvention observationConvention;

    private ElasticCacheChatModel(Builder b) {
        this.engine = Objects.requireNonNull(b.engine, "engine must not be null");
        String modelName = engine.modelInfo().name();
        ElasticCacheChatOptions engineDefaults = ElasticCacheChatOptions.from(engine.defaultOptions()).model(modelName).build();
        this.defaultOptions = b.defaultOptions == null ? engineDefaults
                : engineDefaults.mutate().combineWith(b.defaultOptions.mutate()).build();
        this.observationRegistry = b.observationRegistry;
        this.statsListeners = List.copyOf(b.statsListeners);
        this.observationConvention = b.observationConvention;
        checkModel(defaultOptions);
        defaultOptions.applyTo(engine.defaultOptions()).validate();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        Prompt request = requestPrompt(prompt);
        GenerationRequest generation = toGenerationRequest(request);
        ChatModelObservationContext context = ChatModelObservationContext.builder().prompt(request).provider(PROVIDER).build();
        ChatResponse response = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                .observation(observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry)
                .observe(() -> {
                    GenerationResult result = engine.generate(generation);
                    notifyListeners(result);
                    ChatResponse r = finalResponse(UUID.randomUUID().toString(), result, result.text());
                    context.setResponse(r);
                    return r;
                });
        return Objects.requireNonNull(response);
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.deferContextual(contextView -> {
            Prompt request = requestPrompt(prompt);
            GenerationRequest generation = toGenerationRequest(request);
            String id = UUID.randomUUID().toString();
            ChatModelObservationContext context = ChatModelObservationContext.builder().prompt(request)
                    .provider(PROVIDER).streaming(true).build();
            Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                    .observation(observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry);
            observation.parentObservation(contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null)).start();
            Flux<ChatResponse> chunks = Flux.create(sink -> submit(generation, id, sink), FluxSink.OverflowStrategy.BUFFER);
            // Stop the observation before completion reaches the subscriber, with the aggregated response set.
            return new MessageAggregator().aggregate(chunks, context::setResponse)
                    .doOnComplete(observation::stop)
                    .doOnError(error -> {
                        observation.error(error);
                        observation.stop();
                    })
                    .doOnCancel(observation::stop)
                    .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, observation));
        });
    }

    private void submit(GenerationRequest generation, String id, FluxSink<ChatResponse> sink) {
        GenerationHandle handle;
        try {
            handle = engine.submit(generation, new GenerationListener() {
                @Override
                public void onText(String delta) {
                    sink.next(chunk(id, delta));
                }

                @Override
                public void onComplete(GenerationResult result) {
                    notifyListeners(result);
                    sink.next(finalResponse(id, result, ""));
                    sink.complete();
                }

                @Override
                public void onError(Throwable error) {
                    sink.error(error);
                }
            });
        } catch (RuntimeException e) {
            sink.error(e);
            return;
        }
        sink.onDispose(handle::cancel);
    }

    /** The defaults, with every decoding knob filled in (from the engine where not configured). */
    @Override
    public ElasticCacheChatOptions getOptions() {
        return defaultOptions;
    }

    public ElasticCacheEngine getEngine() {
        return engine;
    }

    /** Uses {@code convention} instead of Spring AI's default chat observation convention. */
    public void setObservationConvention(ChatModelObservationConvention convention) {
        this.observationConvention = Objects.requireNonNull(convention, "convention must not be null");
    }

    /** The prompt with the defaults merged under its options. */
    Prompt requestPrompt(Prompt prompt) {
        ElasticCacheChatOptions.Builder options = defaultOptions.mutate();
        if (prompt.getOptions() != null) {
            options.combineWith(prompt.getOptions().mutate());
        }
        ElasticCacheChatOptions merged = options.build();
        checkModel(merged);
        return prompt.mutate().chatOptions(merged).build();
    }

    private GenerationRequest toGenerationRequest(Prompt prompt) {
        ElasticCacheChatOptions options = (ElasticCacheChatOptions) Objects.requireNonNull(prompt.getOptions());
        DecodingOptions decoding = options.applyTo(engine.defaultOptions()).validate();
        List<String> stops = options.getStopSequences() == null ? List.of() : options.getStopSequences();
        List<ToolDefinition> tools = new ArrayList<>();
        for (ToolCallback callback : options.getToolCallbacks()) {
            var definition = callback.getToolDefinition();
            tools.add(new ToolDefinition(definition.name(), definition.description(), definition.inputSchema()));
        }
        List<ChatImage> images = new ArrayList<>();
        List<ChatMessage> messages = toChatMessages(prompt.getInstructions(), images);
        String schema = options.getOutputSchema();
        if (schema == null) {
            // entity(..) without native structured output: the schema sits in format instructions in a user turn.
            Optional<FormatInstructions.Extracted> extracted = FormatInstructions.extract(messages);
            if (extracted.isPresent()) {
                schema = extracted.get().schema();
                messages = extracted.get().messages();
            }
        }
        return GenerationRequest.builder().messages(messages).options(decoding)
                .stopSequences(stops).tools(tools).toolChoice(options.getToolChoice())
                .outputSchema(schema).images(images).build();
    }

    /** A user message's media as an engine image: bytes, or a data: URL. */
    private static ChatImage image(int message, Media media) {
        Object data = media.getData();
        String name = media.getName() != null ? media.getName() : String.valueOf(media.getMimeType());
        if (data instanceof byte[] bytes) {
            return new ChatImage(message, bytes, name);
        }
        return ChatImage.fromUrl(message, String.valueOf(data));
    }

    private static List<ChatMessage> toChatMessages(List<Message> messages, List<ChatImage> images) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            String text = m.getText() == null ? "" : m.getText();
            switch (m.getMessageType()) {
                case SYSTEM -> out.add(ChatMessage.system(text));
                case USER -> {
                    if (m instanceof UserMessage user) {
                        for (Media media : user.getMedia()) {
                            images.add(image(out.size(), media));
                        }
                    }
                    out.add(ChatMessage.user(text));
                }
                case ASSISTANT -> {
                    List<ToolCall> calls = new ArrayList<>();
                    if (m instanceof AssistantMessage assistant) {
                        for (AssistantMessage.ToolCall c : assistant.getToolCalls()) {
                            calls.add(new ToolCall(c.id(), c.name(), c.arguments()));
                        }
                    }
                    out.add(new ChatMessage(ChatMessage.Role.ASSISTANT, text, calls, null, null));
                }
                case TOOL -> {
                    if (((ToolResponseMessage) m).getResponses().isEmpty()) {
                        throw new IllegalArgumentException("a tool response message holds no responses; send each tool"
                                + " call's result as a ToolResponse (id, name, responseData)");
                    }
                    for (ToolResponseMessage.ToolResponse r : ((ToolResponseMessage) m).getResponses()) {
                        out.add(ChatMessage.toolResult(r.id(), r.name(), plainResult(r.responseData())));
                    }
                }
            }
        }
        return out;
    }

    /**
     * A tool result as the model reads it: Spring AI's default converter sends a String result as a JSON string
     * literal ({@code "\"12C and rainy\""}); the quotes and escapes are removed, anything else is kept as is.
     */
    static String plainResult(@Nullable String data) {
        if (data == null) {
            return "";
        }
        String t = data.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            try {
                var e = com.google.gson.JsonParser.parseString(t);
                if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                    return e.getAsString();
                }
            } catch (RuntimeException notJson) {
                return data;
            }
        }
        return data;
    }

    private void checkModel(ElasticCacheChatOptions options) {
        String loaded = engine.modelInfo().name();
        if (options.getModel() != null && !options.getModel().equals(loaded)) {
            throw new IllegalArgumentException("model '" + options.getModel() + "' is not loaded; this ElasticCacheChatModel"
                    + " serves '" + loaded + "' (set spring.ai.elastic-cache.model-dir to change it)");
        }
    }

    private ChatResponse chunk(String id, String delta) {
        return new ChatResponse(List.of(new Generation(new AssistantMessage(delta))),
                ChatResponseMetadata.builder().id(id).model(engine.modelInfo().name()).build());
    }

    private ChatResponse finalResponse(String id, GenerationResult result, String text) {
        DecodingStats stats = result.stats();
        String finish = switch (result.finishReason()) {
            case LENGTH -> "LENGTH";
            case TOOL_CALLS -> "TOOL_CALLS";
            default -> "STOP";
        };
        ChatGenerationMetadata.Builder generation = ChatGenerationMetadata.builder()
                .finishReason(finish)
                .metadata(METADATA_ENGINE_FINISH_REASON, result.finishReason().name());
        result.emptyAnswerHint().ifPresent(hint -> generation.metadata(METADATA_EMPTY_ANSWER_HINT, hint));
        ChatGenerationMetadata generationMetadata = generation.build();
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .id(id)
                .model(engine.modelInfo().name())
                .usage(new DefaultUsage(result.usage().promptTokens(), result.usage().generationTokens()))
                .keyValue(METADATA_STRATEGY, stats.strategy().id())
                .keyValue(METADATA_NFE, stats.nfe())
                .keyValue(METADATA_RECOMPUTE_FRACTION, stats.recomputeFraction())
                .keyValue(METADATA_TOKENS_PER_SECOND, stats.tokensPerSecond())
                .keyValue(METADATA_TOKENS_PER_STEP, stats.tokensPerStep())
                .keyValue(METADATA_DECODE_MILLIS, stats.wallNanos() / 1e6)
                .build();
        List<AssistantMessage.ToolCall> calls = result.toolCalls().stream()
                .map(c -> new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.arguments())).toList();
        AssistantMessage message = AssistantMessage.builder().content(text).toolCalls(calls).build();
        return new ChatResponse(List.of(new Generation(message, generationMetadata)), metadata);
    }

    private void notifyListeners(GenerationResult result) {
        for (GenerationStatsListener listener : statsListeners) {
            try {
                listener.onGeneration(result);
            } catch (RuntimeException e) {
                log.warn("generation stats listener {} failed", listener, e);
            }
        }
    }

    /** Builder; only the engine is required. */
    public static final class Builder {
        private @Nullable ElasticCacheEngine engine;
        private @Nullable ElasticCacheChatOptions defaultOptions;
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private List<GenerationStatsListener> statsListeners = List.of();
        private @Nullable ChatModelObservationConvention observationConvention;

        private Builder() {}


        public Builder engine(ElasticCacheEngine engine) { this.engine = engine; return this; }

        /** Defaults for every call; unset values come from the engine's default decoding options. */
        public Builder defaultOptions(ElasticCacheChatOptions options) { this.defaultOptions = options; return this; }

        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = Objects.requireNonNull(registry, "observationRegistry must not be null");
            return this;
        }

        public Builder observationConvention(@Nullable ChatModelObservationConvention convention) {
            this.observationConvention = convention;
            return this;
        }

        public Builder statsListeners(List<GenerationStatsListener> listeners) {
            this.statsListeners = Objects.requireNonNull(listeners, "statsListeners must not be null");
            return this;
        }

        public ElasticCacheChatModel build() {
            return new ElasticCacheChatModel(this);
        }
    }
}
