package dev.elasticcache.samples.chat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
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
     * @param images images for the question as {@code data:} URLs (LLaDA-V models; a text-only model answers 400)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChatRequest(
            @Nullable String message, @Nullable String system, @Nullable String strategy, @Nullable Integer maxTokens,
            @Nullable Double gamma, @Nullable Integer windowLength, @Nullable Double threshold,
            @Nullable Integer blockLength, @Nullable Double temperature, @Nullable Long seed,
            @Nullable List<String> stop, @Nullable Boolean tools, @Nullable String toolChoice,
            @Nullable List<String> images) {

        /** A request with only a message. */
        public static ChatRequest of(String message) {
            return new ChatRequest(message, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** The same request with another strategy. */
        public ChatRequest withStrategy(String other) {
            return new ChatRequest(message, system, other, maxTokens, gamma, windowLength, threshold, blockLength,
                    temperature, seed, stop, tools, toolChoice, images);
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
     * A complete answer: text, why it ended ({@code STOP}, {@code LENGTH}, {@code EMPTY}; {@code TOOL_CALLS} only
     * from the OpenAI endpoint, which leaves the calls to its client), usage, statistics and the tools that ran on
     * the way. With tools, usage is summed over the model rounds of the tool loop and the statistics are the last
     * round's.
     *
     * @param finishReason {@code EMPTY} when the model ended its answer at once (no text): {@code hint} then says
     *     why and what the model knows
     * @param hint for an empty answer, why it is empty and what to try (the model's task families and example
     *     prompts); null otherwise
     */
    public record ChatReply(String answer, String finishReason, Usage usage, Stats stats, List<ToolRun> toolCalls,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String hint) {

        /** The reason the engine reports for an answer that ended at once. */
        public static final String EMPTY = "EMPTY";

        static ChatReply from(ChatResponse response, String answer) {
            return from(response, answer, List.of());
        }

        static ChatReply from(ChatResponse response, @Nullable String answer, List<ToolRun> toolCalls) {
            ChatResponseMetadata metadata = response.getMetadata();
            org.springframework.ai.chat.metadata.Usage usage = metadata.getUsage();
            ChatGenerationMetadata generation = response.getResult() == null ? null : response.getResult().getMetadata();
            String finish = generation == null ? null : generation.getFinishReason();
            String hint = null;
            if (generation != null && EMPTY.equals(generation.<Object>get(ElasticCacheChatModel.METADATA_ENGINE_FINISH_REASON))) {
                finish = EMPTY;
                Object h = generation.get(ElasticCacheChatModel.METADATA_EMPTY_ANSWER_HINT);
                hint = h == null ? null : h.toString();
            }
            return new ChatReply(answer == null ? "" : answer, finish == null || finish.isEmpty() ? "STOP" : finish,
                    new Usage(intOf(usage.getPromptTokens()), intOf(usage.getCompletionTokens())), Stats.from(metadata),
                    List.copyOf(toolCalls), hint);
        }

        /** Whether the model ended its answer at once. */
        public boolean empty() {
            return EMPTY.equals(finishReason);
        }

        private static int intOf(@Nullable Integer value) {
            return value == null ? 0 : value;
        }
    }

    /** The final event of a stream: everything of a {@link ChatReply} but the text already streamed. */
    public record StreamDone(String finishReason, Usage usage, Stats stats, List<ToolRun> toolCalls,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String hint) {

        static StreamDone of(ChatReply reply) {
            return new StreamDone(reply.finishReason(), reply.usage(), reply.stats(), reply.toolCalls(), reply.hint());
        }
    }

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

    /**
     * A prompt the page offers as a one-click example.
     *
     * @param id a stable id (the page's element id)
     * @param label the button's text
     * @param family the model's task family this prompt is an example of (from its card), or null for the app's
     *     own examples (tools, the booking record)
     * @param prompt the message
     * @param mode {@code chat} ({@code /api/chat}) or {@code booking} ({@code /api/booking})
     * @param tools whether the example offers the app's tools
     */
    public record Example(String id, String label, @Nullable String family, String prompt, String mode,
            boolean tools) {}

    /**
     * What the page needs to build its form: the model, the strategies, the defaults, the tools and what the model
     * knows.
     *
     * @param layers the model's transformer layers (the columns of the decoding view's heat map)
     * @param families the task families of the model's card (empty for a general model)
     * @param taskModel whether the model knows only those families (not open chat)
     * @param examples one-click prompts: one per family with an example in the card, then the app's tool and
     *     booking examples
     * @param images whether the model takes images (a LLaDA-V folder)
     */
    public record Info(String model, long parameters, String device, List<String> strategies,
            Map<String, Object> defaults, List<ToolInfo> tools, int layers, List<String> families, boolean taskModel,
            List<Example> examples, boolean images) {}

    /**
     * The first event of {@code POST /api/decode/stream}: what is about to be decoded.
     *
     * @param strategy the strategy that runs
     * @param genLength answer positions (cells of the canvas), all masked at first
     * @param layers transformer layers (columns of the heat map)
     * @param promptTokens prompt length; positions in step events are answer-relative (0 = first answer position)
     * @param maxSteps an upper bound of the steps (the exact count for {@code llada}: its schedule)
     * @param windowLength Elastic-Cache sliding window
     * @param blockLength block size of llada and fast-dllm*
     * @param gamma Elastic-Cache drift threshold
     * @param threshold parallel unmasking confidence threshold; null = top-k
     */
    public record DecodeStart(String strategy, int genLength, int layers, int promptTokens, int maxSteps,
            int windowLength, int blockLength, double gamma, @Nullable Double threshold) {}

    /**
     * One denoising step (one forward pass) of {@code POST /api/decode/stream}.
     *
     * @param step 0-based step index
     * @param positions answer-relative positions decoded in this step, ascending
     * @param tokens the text of each decoded token; special tokens as a mark ({@code EOS}, {@code EOT}, ...)
     * @param ids the token ids
     * @param special whether each token is a special token (end of sequence, end of turn, ...)
     * @param startReset the first layer recomputed for every row; {@code layers} when no layer was (the layers
     *     below it computed only the queried rows on top of cached keys and values). Strategies without a cache
     *     ({@code llada}, {@code fast-dllm}) report 0 every step; {@code fast-dllm-prefix} and {@code -dual} 0 at
     *     the first step of a block and {@code layers} at the others; the first Elastic-Cache step is 0
     * @param recomputedLayers {@code layers - startReset}
     * @param window positions eligible for unmasking in this step
     * @param queryRows rows computed in the layers below {@code startReset} (every row of the sequence when there
     *     is no cache)
     * @param elapsedMillis time since the request was submitted
     */
    public record DecodeStep(int step, int[] positions, List<String> tokens, int[] ids, boolean[] special,
            int startReset, int recomputedLayers, int window, int queryRows, double elapsedMillis) {}

    /**
     * The last event of {@code POST /api/decode/stream}: the answer and its cost.
     *
     * @param text the answer text
     * @param finishReason the engine's: {@code STOP}, {@code EMPTY} (ended at once; see {@code hint}),
     *     {@code LENGTH} or {@code STOP_SEQUENCE}
     * @param hint for an empty answer, why and what to try; else null
     * @param nfe forward passes, equal to the number of step events
     * @param decodeMillis wall time of the decoding loop
     * @param tokensPerSecond answer tokens per second of decoding
     * @param tokensPerStep positions decoded per forward pass
     * @param recomputeFraction fraction of layers recomputed for every row over all steps
     * @param answerTokens answer tokens before the first end token
     * @param decodedPositions positions decoded over all steps (Elastic-Cache leaves positions after the first
     *     end token masked: they are never needed)
     * @param answerEnd answer-relative position of the first end token (EOS or end of turn), null when none
     */
    public record DecodeDone(String text, String finishReason, @Nullable String hint, int nfe, double decodeMillis,
            double tokensPerSecond, double tokensPerStep, double recomputeFraction, int answerTokens,
            int decodedPositions, @Nullable Integer answerEnd) {}
}
