package dev.elasticcache.langchain4j;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.engine.EngineDrainingException;
import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.engine.GenerationTimeoutException;
import dev.elasticcache.tokenizer.ToolCall;
import dev.elasticcache.structured.ToolDefinition;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.elasticcache.engine.ChatImage;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** What the chat model and the streaming chat model share: engine ownership, request and response mapping. */
final class ElasticCacheSupport {
    static final String PROVIDER = "Elastic-Cache";

    private final ElasticCacheEngine engine;
    private final boolean ownsEngine;
    private final String modelName;
    private final ElasticCacheChatRequestParameters defaultParameters;
    private final Duration timeout;

    private ElasticCacheSupport(ElasticCacheEngine engine, boolean ownsEngine,
            ElasticCacheChatRequestParameters defaultParameters, Duration timeout) {
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.modelName = engine.modelInfo().name();
        this.defaultParameters = defaultParameters;
        this.timeout = timeout;
    }

    /**
     * Resolves the engine (shared, or loaded and owned) and the effective default parameters: the engine's
     * decoding defaults overridden by {@code userDefaults}. Unsupported or invalid defaults fail here, before
     * any request, and an engine loaded for this call is closed again.
     */
    static ElasticCacheSupport create(ElasticCacheEngine sharedEngine, EngineConfig ownedConfig,
            ChatRequestParameters userDefaults, Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
        }
        if (sharedEngine != null && sharedEngine.isClosed()) {
            throw new IllegalArgumentException("the shared engine is closed; pass an open ElasticCacheEngine");
        }
        ChatRequestParameters given = userDefaults == null ? ElasticCacheChatRequestParameters.EMPTY : userDefaults;
        checkSupported(given, null);
        ElasticCacheEngine engine = sharedEngine;
        boolean owns = false;
        if (engine == null) {
            engine = ElasticCacheEngine.load(ownedConfig);
            owns = true;
        }
        try {
            checkModelName(given.modelName(), engine.modelInfo().name());
            ElasticCacheChatRequestParameters defaults = ElasticCacheChatRequestParameters.from(engine.defaultOptions())
                    .overrideWith(ElasticCacheChatRequestParameters.builder().modelName(engine.modelInfo().name()).build())
                    .overrideWith(given);
            resolveOptions(defaults, engine.defaultOptions()); // fail fast on invalid knobs
            return new ElasticCacheSupport(engine, owns, defaults, timeout);
        } catch (RuntimeException | Error e) {
            if (owns) {
                engine.close();
            }
            throw e;
        }
    }

    ElasticCacheEngine engine() {
        return engine;
    }

    String modelName() {
        return modelName;
    }

    ElasticCacheChatRequestParameters defaultParameters() {
        return defaultParameters;
    }

    /** Closes the engine when this model loaded it; a shared engine stays open. */
    void close() {
        if (ownsEngine) {
            engine.close();
        }
    }

    /**
     * Rejects what this text-only diffusion model cannot honour. {@code modelName} may name the loaded model;
     * topP / penalties are accepted only at their neutral values (1.0 / 0.0), which is what decoding does anyway.
     * Tools, every tool choice and a JSON response format with a schema are supported; JSON without a schema is
     * not (there is no template to infill).
     */
    static void checkSupported(ChatRequestParameters p, String loadedModelName) {
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON
                && p.responseFormat().jsonSchema() == null) {
            throw unsupported("JSON response format without a JSON schema is not supported: Elastic-Cache decodes"
                    + " JSON by infilling the template of a schema, so the document is valid by construction; give a"
                    + " schema: ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder()"
                    + ".rootElement(...).build()).build() (AI services do so for POJO return types)");
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON
                && p.responseFormat().jsonSchema().rootElement() == null) {
            throw unsupported("JSON response format with a JSON schema without a root element is not supported;"
                    + " set JsonSchema.builder().rootElement(...)");
        }
        if (p.topP() != null && p.topP() != 1.0) {
            throw unsupported("'topP' parameter is not supported: Elastic-Cache samples with Gumbel-max at the"
                    + " given temperature over the full distribution (only topP = 1.0 is accepted)");
        }
        if (p.topK() != null) {
            throw unsupported("'topK' parameter is not supported: Elastic-Cache samples over the full vocabulary;"
                    + " use temperature, or ElasticCacheChatRequestParameters for decoding knobs");
        }
        if (p.frequencyPenalty() != null && p.frequencyPenalty() != 0.0) {
            throw unsupported("'frequencyPenalty' parameter is not supported by Elastic-Cache (only 0.0 is accepted)");
        }
        if (p.presencePenalty() != null && p.presencePenalty() != 0.0) {
            throw unsupported("'presencePenalty' parameter is not supported by Elastic-Cache (only 0.0 is accepted)");
        }
        if (loadedModelName != null) {
            checkModelName(p.modelName(), loadedModelName);
        }
    }

    private static void checkModelName(String requested, String loaded) {
        if (requested != null && !requested.equals(loaded)) {
            throw unsupported("modelName '" + requested + "' is not supported: this Elastic-Cache model serves only"
                    + " the loaded model '" + loaded + "'; switching models per request is not supported"
                    + " (create another model instance for another checkpoint)");
        }
    }

    private static UnsupportedFeatureException unsupported(String message) {
        return new UnsupportedFeatureException(message);
    }

    /**
     * The messages for the LLaDA chat template: system, user and AI turns, an AI turn's tool execution requests as
     * its tool calls (id, name, arguments) and each {@link ToolExecutionResultMessage} as a tool turn. A user
     * message's {@link ImageContent} is added to {@code images} (a vision model: LLaDA-V), or refused as
     * unsupported when {@code images} is null (a text-only model); other non-text content is refused; arguments
     * that are not a JSON object are an invalid request.
     */
    static List<dev.elasticcache.tokenizer.ChatMessage> toEngineMessages(List<ChatMessage> messages, List<ChatImage> images) {
        List<dev.elasticcache.tokenizer.ChatMessage> out = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage system) {
                out.add(dev.elasticcache.tokenizer.ChatMessage.system(system.text()));
            } else if (message instanceof UserMessage user) {
                out.add(dev.elasticcache.tokenizer.ChatMessage.user(userText(user, out.size(), images)));
            } else if (message instanceof AiMessage ai) {
                String text = ai.text() == null ? "" : ai.text();
                if (ai.hasToolExecutionRequests()) {
                    List<ToolCall> calls = new ArrayList<>(ai.toolExecutionRequests().size());
                    for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                        calls.add(toolCall(request));
                    }
                    out.add(new dev.elasticcache.tokenizer.ChatMessage(
                            dev.elasticcache.tokenizer.ChatMessage.Role.ASSISTANT, text, calls, null, null));
                } else {
                    out.add(dev.elasticcache.tokenizer.ChatMessage.assistant(text));
                }
            } else if (message instanceof ToolExecutionResultMessage result) {
                out.add(dev.elasticcache.tokenizer.ChatMessage.toolResult(result.id(), result.toolName(),
                        toolResultText(result)));
            } else {
                throw unsupported("messages of type " + message.type() + " are not supported by Elastic-Cache;"
                        + " send SYSTEM, USER, AI and TOOL_EXECUTION_RESULT messages with text only");
            }
        }
        return out;
    }

    /** A tool execution request of the conversation as the engine's tool call (its arguments checked). */
    private static ToolCall toolCall(ToolExecutionRequest request) {
        if (request.name() == null || request.name().isBlank()) {
            throw new InvalidRequestException("an AiMessage holds a tool execution request without a name"
                    + " (id " + request.id() + "); every request needs the name of the tool it called");
        }
        try {
            return new ToolCall(request.id() == null ? "" : request.id(), request.name(), request.arguments());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage(), e);
        }
    }

    private static String toolResultText(ToolExecutionResultMessage result) {
        if (result.contents() == null) {
            return "";
        }
        if (result.hasSingleText()) {
            return result.text() == null ? "" : result.text();
        }
        StringBuilder text = new StringBuilder();
        for (Content content : result.contents()) {
            if (!(content instanceof TextContent t)) {
                String type = content.type().toString().toLowerCase(Locale.ROOT);
                throw unsupported("content of type " + type + " in the result of tool '" + result.toolName()
                        + "' is not supported: Elastic-Cache LLaDA models are text-only; return text from the tool");
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(t.text());
        }
        return text.toString();
    }

    private static String userText(UserMessage user, int index, List<ChatImage> images) {
        StringBuilder text = new StringBuilder();
        for (Content content : user.contents()) {
            if (content instanceof ImageContent image && images != null) {
                images.add(image(index, image.image()));
                continue;
            }
            if (!(content instanceof TextContent t)) {
                String type = content.type().toString().toLowerCase(Locale.ROOT);
                throw unsupported("content of type " + type + " (" + type + " input) is not supported:"
                        + " Elastic-Cache LLaDA models are text-only; send text content only");
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(t.text());
        }
        return text.toString();
    }

    /** An image content as an engine image: its base64 data, or a data: URL. */
    private static ChatImage image(int index, Image image) {
        if (image.base64Data() != null) {
            return ChatImage.fromBase64(index, image.base64Data(), image.mimeType());
        }
        return ChatImage.fromUrl(index, String.valueOf(image.url()));
    }

    /**
     * The decoding options for {@code p} over the engine's defaults. {@code maxOutputTokens} becomes
     * {@code genLength}; block strategies round it up to a multiple of {@code blockLength}.
     *
     * @throws InvalidRequestException when a value is out of range (message names the knob and the fix)
     */
    static DecodingOptions resolveOptions(ChatRequestParameters p, DecodingOptions base) {
        DecodingOptions.Builder b = base.mutate();
        if (p.temperature() != null) {
            b.temperature(p.temperature());
        }
        Strategy strategy = base.strategy();
        int blockLength = base.blockLength();
        if (p instanceof ElasticCacheChatRequestParameters e) {
            if (e.strategy() != null) {
                strategy = e.strategy();
                b.strategy(strategy);
            }
            if (e.blockLength() != null) {
                blockLength = e.blockLength();
                b.blockLength(blockLength);
            }
            if (e.steps() != null) {
                b.steps(e.steps());
            }
            if (e.windowLength() != null) {
                b.windowLength(e.windowLength());
            }
            if (Boolean.TRUE.equals(e.topKUnmasking())) {
                b.threshold(null);
            } else if (e.threshold() != null) {
                b.threshold(e.threshold());
            } else if (Boolean.FALSE.equals(e.topKUnmasking()) && base.threshold() == null) {
                throw new InvalidRequestException("topKUnmasking(false) needs a threshold; set threshold(...) too");
            }
            if (e.tokensPerIter() != null) {
                b.tokensPerIter(e.tokensPerIter());
            }
            if (e.gamma() != null) {
                b.gamma(e.gamma());
            }
            if (e.trackNum() != null) {
                b.trackNum(e.trackNum());
            }
            if (e.blockCaching() != null) {
                b.blockCaching(e.blockCaching());
            }
            if (e.remasking() != null) {
                b.remasking(e.remasking());
            }
            if (e.seed() != null) {
                b.seed(e.seed());
            }
        }
        if (p.maxOutputTokens() != null) {
            int max = p.maxOutputTokens();
            if (max <= 0) {
                throw new InvalidRequestException("maxOutputTokens must be > 0, got " + max);
            }
            b.genLength(DecodingOptions.genLengthFor(max, strategy, blockLength));
        }
        try {
            return b.build().validate();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid Elastic-Cache decoding parameters: " + e.getMessage(), e);
        }
    }


    /**
     * Checks a LangChain4j request and maps it onto an engine request plus its resolved decoding options: tool
     * specifications become tool definitions (parameters as JSON Schema text), the tool choice maps one to one
     * (none set = {@code AUTO}) and a JSON response format's schema becomes the output schema. The engine
     * validates schemas and tools (unsupported keywords, bad names) when the request is submitted.
     */
    Prepared prepare(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        checkSupported(p, modelName);
        List<ChatImage> images = engine.acceptsImages() ? new ArrayList<>() : null;
        List<dev.elasticcache.tokenizer.ChatMessage> messages = toEngineMessages(request.messages(), images);
        DecodingOptions options = resolveOptions(p, engine.defaultOptions());
        GenerationRequest generation = GenerationRequest.builder()
                .messages(messages)
                .options(options)
                .stopSequences(p.stopSequences() == null ? List.of() : p.stopSequences())
                .timeout(timeout)
                .tools(toolDefinitions(p.toolSpecifications()))
                .toolChoice(toolChoice(p.toolChoice()))
                .outputSchema(outputSchema(p.responseFormat()))
                .images(images)
                .build();
        return new Prepared(generation, options);
    }

    /** The tools of a request as the engine's definitions; the parameter schemas as JSON Schema text. */
    static List<ToolDefinition> toolDefinitions(List<ToolSpecification> specifications) {
        if (specifications == null || specifications.isEmpty()) {
            return List.of();
        }
        List<ToolDefinition> tools = new ArrayList<>(specifications.size());
        for (ToolSpecification spec : specifications) {
            if (spec.name() == null || spec.name().isBlank()) {
                throw new InvalidRequestException("a tool specification has no name; give every tool a name");
            }
            String parameters;
            try {
                parameters = spec.parameters() == null ? null : JsonSchemas.toJson(spec.parameters());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("tool '" + spec.name() + "': " + e.getMessage(), e);
            }
            tools.add(new ToolDefinition(spec.name(), spec.description(), parameters));
        }
        return tools;
    }

    static dev.elasticcache.structured.ToolChoice toolChoice(ToolChoice choice) {
        if (choice == null) {
            return dev.elasticcache.structured.ToolChoice.AUTO;
        }
        return switch (choice) {
            case AUTO -> dev.elasticcache.structured.ToolChoice.AUTO;
            case REQUIRED -> dev.elasticcache.structured.ToolChoice.REQUIRED;
            case NONE -> dev.elasticcache.structured.ToolChoice.NONE;
        };
    }

    /** A JSON response format's schema as JSON Schema text; null for text answers. */
    static String outputSchema(ResponseFormat format) {
        if (format == null || format.type() != ResponseFormatType.JSON || format.jsonSchema() == null) {
            return null; // JSON without a schema was refused by checkSupported
        }
        JsonSchema schema = format.jsonSchema();
        try {
            return JsonSchemas.toJson(schema.rootElement());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("JSON response format schema"
                    + (schema.name() == null ? "" : " '" + schema.name() + "'") + ": " + e.getMessage(), e);
        }
    }

    record Prepared(GenerationRequest request, DecodingOptions options) {}

    ChatResponse toChatResponse(GenerationResult result, DecodingOptions options) {
        FinishReason reason = switch (result.finishReason()) {
            case STOP, STOP_SEQUENCE, EMPTY -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
        };
        ElasticCacheChatResponseMetadata metadata = ElasticCacheChatResponseMetadata.builder()
                .id("ec-" + UUID.randomUUID())
                .modelName(modelName)
                .tokenUsage(new TokenUsage(result.usage().promptTokens(), result.usage().generationTokens(),
                        result.usage().totalTokens()))
                .finishReason(reason)
                .engineFinishReason(result.finishReason())
                .decodingStats(result.stats())
                .decodingOptions(options)
                .build();
        return ChatResponse.builder().aiMessage(aiMessage(result)).metadata(metadata).build();
    }

    /**
     * The answer as an {@link AiMessage}: tool calls as tool execution requests (id, name, arguments JSON) without
     * text, a schema answer as its JSON document, else the text.
     */
    static AiMessage aiMessage(GenerationResult result) {
        if (result.hasToolCalls()) {
            return AiMessage.from(toolExecutionRequests(result));
        }
        return AiMessage.from(result.json() != null ? result.json() : result.text());
    }

    /** The result's tool calls as LangChain4j tool execution requests, in order. */
    static List<ToolExecutionRequest> toolExecutionRequests(GenerationResult result) {
        List<ToolExecutionRequest> requests = new ArrayList<>(result.toolCalls().size());
        for (ToolCall call : result.toolCalls()) {
            requests.add(ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments()).build());
        }
        return requests;
    }

    /**
     * Maps engine failures onto LangChain4j's exception types (the engine's exception stays the cause):
     * overload to {@link RateLimitException} (retriable; the cause's {@code retryAfter()} says when),
     * timeout to {@link TimeoutException}, a draining engine to {@link InternalServerException} (retriable),
     * invalid input to {@link InvalidRequestException}.
     */
    static Throwable mapError(Throwable error) {
        if (error instanceof EngineOverloadedException e) {
            return new RateLimitException(e.getMessage(), e);
        }
        if (error instanceof GenerationTimeoutException e) {
            return new TimeoutException(e.getMessage(), e);
        }
        if (error instanceof EngineDrainingException e) {
            return new InternalServerException(e.getMessage(), e); // retriable: another instance takes it
        }
        if (error instanceof IllegalArgumentException e) {
            return new InvalidRequestException(e.getMessage(), e);
        }
        return error;
    }

    /** {@link #mapError} for the blocking path, where only runtime exceptions arrive. */
    static RuntimeException mapRuntimeError(RuntimeException error) {
        return (RuntimeException) mapError(error);
    }
}
