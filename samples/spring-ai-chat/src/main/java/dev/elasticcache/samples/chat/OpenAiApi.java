package dev.elasticcache.samples.chat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Bodies of the OpenAI-compatible endpoints (the subset of the Chat Completions API this app serves). */
public final class OpenAiApi {

    private OpenAiApi() {}

    /**
     * {@code POST /v1/chat/completions} body. Besides OpenAI's fields, {@code strategy}, {@code gamma} and
     * {@code window_length} select Elastic-Cache knobs (send them as extra body fields).
     *
     * @param tools function tools the model may call (the client executes them)
     * @param toolChoice {@code "auto"}, {@code "required"}, {@code "none"} or
     *     {@code {"type":"function","function":{"name":...}}} (that tool, required)
     * @param parallelToolCalls {@code false}: at most one call per answer
     * @param responseFormat {@code text} or {@code json_schema} ({@code json_object} is refused: infilling needs a schema)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CompletionRequest(
            @Nullable String model,
            @Nullable List<Message> messages,
            @Nullable Double temperature,
            @JsonProperty("top_p") @Nullable Double topP,
            @JsonProperty("max_tokens") @Nullable Integer maxTokens,
            @JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
            /** A string or an array of strings. */
            @Nullable Object stop,
            @Nullable Boolean stream,
            @JsonProperty("stream_options") @Nullable StreamOptions streamOptions,
            @Nullable Integer n,
            @Nullable Long seed,
            @Nullable List<Tool> tools,
            @JsonProperty("tool_choice") @Nullable Object toolChoice,
            @JsonProperty("parallel_tool_calls") @Nullable Boolean parallelToolCalls,
            @JsonProperty("response_format") @Nullable ResponseFormat responseFormat,
            @Nullable String strategy,
            @Nullable Double gamma,
            @JsonProperty("window_length") @Nullable Integer windowLength) {}

    /**
     * A request message; {@code content} is a string or an array of {@code {"type":"text","text":...}} parts. An
     * assistant message may carry {@code tool_calls} (its content may then be null); a {@code tool} message
     * answers one of them by {@code tool_call_id}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(@Nullable String role, @Nullable Object content,
            @JsonProperty("tool_calls") @Nullable List<ToolCall> toolCalls,
            @JsonProperty("tool_call_id") @Nullable String toolCallId,
            @Nullable String name) {}

    /** {@code {"type":"function","function":{"name":...,"description":...,"parameters":{JSON Schema}}}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tool(@Nullable String type, @Nullable Function function) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Function(@Nullable String name, @Nullable String description, @Nullable Object parameters,
            @Nullable Boolean strict) {}

    /** A call of a function tool: in responses and in the assistant messages a client sends back. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ToolCall(@Nullable String id, @Nullable String type, @Nullable FunctionCall function) {}

    /** The called function; {@code arguments} is a JSON object encoded as a string. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionCall(@Nullable String name, @Nullable String arguments) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamOptions(@JsonProperty("include_usage") @Nullable Boolean includeUsage) {}

    /** {@code {"type":"text"}}, {@code {"type":"json_schema","json_schema":{"name":...,"schema":{...}}}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ResponseFormat(@Nullable String type, @JsonProperty("json_schema") @Nullable JsonSchema jsonSchema) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JsonSchema(@Nullable String name, @Nullable String description,
            @Nullable Map<String, Object> schema, @Nullable Boolean strict) {}

    /**
     * A complete answer ({@code object: chat.completion}); {@code elastic_cache} carries the decoding statistics.
     * When the model ended its answer at once (empty content, {@code finish_reason: "stop"}, as OpenAI clients
     * expect), the non-standard {@code elastic_cache_hint} says why and what the model knows; absent otherwise.
     */
    public record Completion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
            @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
            @JsonProperty("elastic_cache") ChatApi.Stats elasticCache,
            @JsonProperty("elastic_cache_hint") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String elasticCacheHint) {}

    public record Choice(int index, AssistantMessage message, @Nullable Object logprobs,
            @JsonProperty("finish_reason") String finishReason) {}

    /** The answer: text ({@code content}) or, with {@code finish_reason: tool_calls}, calls and null content. */
    public record AssistantMessage(String role, @Nullable String content, @Nullable String refusal,
            @JsonProperty("tool_calls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {}

    /**
     * One event of a stream ({@code object: chat.completion.chunk}); the finish chunk of an empty answer carries the
     * non-standard {@code elastic_cache_hint} (see {@link Completion}).
     */
    public record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices,
            @Nullable Usage usage,
            @JsonProperty("elastic_cache") @JsonInclude(JsonInclude.Include.NON_NULL) ChatApi.@Nullable Stats elasticCache,
            @JsonProperty("elastic_cache_hint") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String elasticCacheHint) {

        Chunk(String id, String object, long created, String model, List<ChunkChoice> choices, @Nullable Usage usage,
                ChatApi.@Nullable Stats elasticCache) {
            this(id, object, created, model, choices, usage, elasticCache, null);
        }
    }

    public record ChunkChoice(int index, Delta delta, @Nullable Object logprobs,
            @JsonProperty("finish_reason") @Nullable String finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(@Nullable String role, @Nullable String content,
            @JsonProperty("tool_calls") @Nullable List<ChunkToolCall> toolCalls) {

        Delta(@Nullable String role, @Nullable String content) {
            this(role, content, null);
        }
    }

    /** A call as a stream delivers it: its {@code index} in the answer's calls, then id, type and function. */
    public record ChunkToolCall(int index, String id, String type, FunctionCall function) {}

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {}

    /** {@code GET /v1/models}. */
    public record ModelList(String object, List<Model> data) {}

    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {}

    /** OpenAI's error envelope. */
    public record ErrorResponse(ErrorBody error) {}

    public record ErrorBody(String message, String type, @Nullable String param, @Nullable String code) {}
}
