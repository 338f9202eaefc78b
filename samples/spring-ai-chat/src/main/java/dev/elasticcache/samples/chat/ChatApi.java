package dev.elasticcache.samples.chat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;

/** Request and response bodies of the {@code /api} endpoints. */
public final class ChatApi {

    private ChatApi() {}

    /**
     * A chat request: the user's message plus optional decoding knobs (unset = the app's defaults).
     *
     * @param message the user's message (required)
     * @param system an optional system message
     * @param strategy llada, fast-dllm, fast-dllm-prefix, fast-dllm-dual or elastic
     * @param maxTokens generation length (answer positions filled by the diffusion decoder)
     * @param gamma Elastic-Cache drift threshold in (0, 1]
     * @param windowLength Elastic-Cache sliding window
     * @param threshold parallel unmasking confidence threshold; 0 = top-k
     * @param blockLength block size of llada and fast-dllm*
     * @param temperature sampling temperature (0 = greedy)
     * @param seed sampling seed
     * @param stop stop sequences
     * @param tools whether to offer the app's Java tools ({@code get_weather}, {@code book_flight},
     *     {@code convert_currency}); Spring AI's tool loop runs the calls the model makes
     * @param toolChoice with tools: {@code auto} (the model decides, the default), {@code required} (the first
     *     answer must call a tool; once results are in, the model decides) or {@code none} (tools are described,
     *     not called)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChatRequest(
            @Nullable String message, @Nullable String system, @Nullable String strategy, @Nullable Integer maxTokens,
            @Nullable Double gamma, @Nullable Integer windowLength, @Nullable Double threshold,
            @Nullable Integer blockLength, @Nullable Double temperature, @Nullable Long seed,
            @Nullable List<String> stop, @Nullable Boolean tools, @Nullable String toolChoice) {

        /** A request with only a message. */
        public static ChatRequest of(String message) {
            return new ChatRequest(message, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** The same request with another strategy. */
        public ChatRequest withStrategy(String other) {
            return new ChatRequest(message, system, other, maxTokens, gamma, windowLength, threshold, blockLength,
                    temperature, seed, stop, tools, toolChoice);
        }

        /** Whether the app's tools are offered. */
        public boolean offersTools() {
            return Boolean.TRUE.equals(tools);
        }
    }

    /**
     * One tool execution of Spring AI's tool loop.
     *
     * @param name the tool
     * @param arguments the arguments the model wrote (a JSON object)
     * @param result what the tool returned (and the model read)
     */
    public record ToolRun(String name, String arguments, String result) {}

    /** Prompt and answer token counts. */
    public record Usage(int promptTokens, int generationTokens) {}

    /**
     * Decoding statistics of one answer.
     *
     * @param strategy the strategy that ran
     * @param nfe forward passes (network function evaluations)
     * @param recomputeFraction fraction of layers fully recomputed over all steps (1 = no cache reuse)
     * @param tokensPerSecond answer tokens per second of decoding
     * @param tokensPerStep positions decoded per forward pass
     * @param decodeMillis wall time of the decoding loop
     */
    public record Stats(String strategy, int nfe, double recomputeFraction, double tokensPerSecond,
            double tokensPerStep, double decodeMillis) {

        /** The statistics carried by the last response (or stream chunk) of the Elastic-Cache chat model. */
        static Stats from(ChatResponseMetadata metadata) {
            return new Stats(String.valueOf(metadata.<Object>get(ElasticCacheChatModel.METADATA_STRATEGY)),
                    number(metadata, ElasticCacheChatModel.METADATA_NFE).intValue(),
                    number(metadata, ElasticCacheChatModel.METADATA_RECOMPUTE_FRACTION).doubleValue(),
                    number(metadata, ElasticCacheChatModel.METADATA_TOKENS_PER_SECOND).doubleValue(),
                    number(metadata, ElasticCacheChatModel.METADATA_TOKENS_PER_STEP).doubleValue(),
                    number(metadata, ElasticCacheChatModel.METADATA_DECODE_MILLIS).doubleValue());
        }

        private static Number number(ChatResponseMetadata metadata, String key) {
            Object value = metadata.get(key);
            if (!(value instanceof Number n)) {
                throw new IllegalStateException("chat response metadata lacks '" + key + "' (is the chat model the"
                        + " Elastic-Cache one?)");
            }
            return n;
        }
    }

    /**
     * A complete answer: text, why it ended ({@code STOP}, {@code LENGTH}; {@code TOOL_CALLS} only from the
     * OpenAI endpoint, which leaves the calls to its client), usage, statistics and the tools that ran on the way.
     * With tools, usage is summed over the model rounds of the tool loop and the statistics are the last round's.
     */
    public record ChatReply(String answer, String finishReason, Usage usage, Stats stats, List<ToolRun> toolCalls) {

        static ChatReply from(ChatResponse response, String answer) {
            return from(response, answer, List.of());
        }

        static ChatReply from(ChatResponse response, @Nullable String answer, List<ToolRun> toolCalls) {
            ChatResponseMetadata metadata = response.getMetadata();
            org.springframework.ai.chat.metadata.Usage usage = metadata.getUsage();
            String finish = response.getResult() == null ? null : response.getResult().getMetadata().getFinishReason();
            return new ChatReply(answer == null ? "" : answer, finish == null || finish.isEmpty() ? "STOP" : finish,
                    new Usage(intOf(usage.getPromptTokens()), intOf(usage.getCompletionTokens())), Stats.from(metadata),
                    List.copyOf(toolCalls));
        }

        private static int intOf(@Nullable Integer value) {
            return value == null ? 0 : value;
        }
    }

    /** The final event of a stream: everything of a {@link ChatReply} but the text already streamed. */
    public record StreamDone(String finishReason, Usage usage, Stats stats, List<ToolRun> toolCalls) {}

    /** A text delta of a stream. */
    public record StreamDelta(String text) {}

    /** An error that happened after a stream had started (the HTTP status is already 200). */
    public record StreamError(int status, String message) {}

    /**
     * The same prompt decoded with the chosen strategy and with the {@code llada} baseline.
     *
     * @param candidate the chosen strategy's answer
     * @param baseline the llada answer
     * @param speedup throughput (answer tokens per second) of the candidate over the baseline; null when the
     *     baseline produced no answer tokens
     * @param latencySpeedup the baseline's decode time over the candidate's
     * @param nfeReduction the baseline's forward passes over the candidate's
     * @param sameAnswer whether both answers are identical
     */
    public record CompareReply(ChatReply candidate, ChatReply baseline, @Nullable Double speedup, double latencySpeedup,
            double nfeReduction, boolean sameAnswer) {}

    /**
     * The answer of {@code POST /api/booking}: the record the model copied into the {@link Booking} schema.
     *
     * @param booking the parsed record
     * @param json the document as the model wrote it (valid for the schema by construction)
     * @param usage prompt and answer tokens
     * @param stats decoding statistics
     */
    public record BookingReply(Booking booking, String json, Usage usage, Stats stats) {}

    /** A tool the chat can offer: its name, description and JSON Schema of its arguments. */
    public record ToolInfo(String name, String description, String inputSchema) {}

    /** What the page needs to build its form: the model, the strategies, the defaults and the tools. */
    public record Info(String model, long parameters, String device, List<String> strategies,
            Map<String, Object> defaults, List<ToolInfo> tools) {}
}
