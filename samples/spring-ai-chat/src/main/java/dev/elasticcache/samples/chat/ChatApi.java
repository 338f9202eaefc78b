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
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChatRequest(
            @Nullable String message, @Nullable String system, @Nullable String strategy, @Nullable Integer maxTokens,
            @Nullable Double gamma, @Nullable Integer windowLength, @Nullable Double threshold,
            @Nullable Integer blockLength, @Nullable Double temperature, @Nullable Long seed,
            @Nullable List<String> stop) {

        /** A request with only a message. */
        public static ChatRequest of(String message) {
            return new ChatRequest(message, null, null, null, null, null, null, null, null, null, null);
        }

        /** The same request with another strategy. */
        public ChatRequest withStrategy(String other) {
            return new ChatRequest(message, system, other, maxTokens, gamma, windowLength, threshold, blockLength,
                    temperature, seed, stop);
        }
    }

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

    /** A complete answer: text, why it ended ({@code STOP} or {@code LENGTH}), usage and statistics. */
    public record ChatReply(String answer, String finishReason, Usage usage, Stats stats) {

        static ChatReply from(ChatResponse response, String answer) {
            ChatResponseMetadata metadata = response.getMetadata();
            org.springframework.ai.chat.metadata.Usage usage = metadata.getUsage();
            String finish = response.getResult() == null ? null : response.getResult().getMetadata().getFinishReason();
            return new ChatReply(answer, finish == null ? "STOP" : finish,
                    new Usage(intOf(usage.getPromptTokens()), intOf(usage.getCompletionTokens())), Stats.from(metadata));
        }

        private static int intOf(@Nullable Integer value) {
            return value == null ? 0 : value;
        }
    }

    /** The final event of a stream: everything of a {@link ChatReply} but the text already streamed. */
    public record StreamDone(String finishReason, Usage usage, Stats stats) {}

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

    /** What the page needs to build its form: the model, the strategies and the defaults. */
    public record Info(String model, long parameters, String device, List<String> strategies,
            Map<String, Object> defaults) {}
}
