package dev.elasticcache.samples.chat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Bodies of the OpenAI-compatible endpoints (the subset of the Chat Completions API this app serves). */
public final class OpenAiApi {

    private OpenAiApi() {}

    /**
     * {@code POST /v1/chat/completions} body. Besides OpenAI's fields, {@code strategy}, {@code gamma} and
     * {@code window_length} select Elastic-Cache knobs (send them as extra body fields).
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
            @Nullable List<Object> tools,
            @JsonProperty("response_format") @Nullable ResponseFormat responseFormat,
            @Nullable String strategy,
            @Nullable Double gamma,
            @JsonProperty("window_length") @Nullable Integer windowLength) {}

    /** A request message; {@code content} is a string or an array of {@code {"type":"text","text":...}} parts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(@Nullable String role, @Nullable Object content) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamOptions(@JsonProperty("include_usage") @Nullable Boolean includeUsage) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ResponseFormat(@Nullable String type) {}

    /** A complete answer ({@code object: chat.completion}); {@code elastic_cache} carries the decoding statistics. */
    public record Completion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
            @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
            @JsonProperty("elastic_cache") ChatApi.Stats elasticCache) {}

    public record Choice(int index, AssistantMessage message, @Nullable Object logprobs,
            @JsonProperty("finish_reason") String finishReason) {}

    public record AssistantMessage(String role, String content, @Nullable String refusal) {}

    /** One event of a stream ({@code object: chat.completion.chunk}). */
    public record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices,
            @Nullable Usage usage,
            @JsonProperty("elastic_cache") @JsonInclude(JsonInclude.Include.NON_NULL) ChatApi.@Nullable Stats elasticCache) {}

    public record ChunkChoice(int index, Delta delta, @Nullable Object logprobs,
            @JsonProperty("finish_reason") @Nullable String finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(@Nullable String role, @Nullable String content) {}

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
