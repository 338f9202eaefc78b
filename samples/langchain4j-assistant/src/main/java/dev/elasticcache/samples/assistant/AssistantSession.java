package dev.elasticcache.samples.assistant;

import dev.elasticcache.langchain4j.ElasticCacheChatResponseMetadata;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import java.util.Locale;

/**
 * A conversation: the {@link Assistant} AI service over a chat model, remembering the last
 * {@code memoryMessages} messages (user and assistant turns, tool calls and their results) in a
 * {@link MessageWindowChatMemory}, with the given tools (objects with {@code @Tool} methods, such as
 * {@link WeatherTools}). Whether an answer calls a tool is the model's decision ({@code ToolChoice.AUTO}); when it
 * does, LangChain4j runs the tool and asks the model again with the result (at most
 * {@value #MAX_TOOL_ROUND_TRIPS} times per question).
 */
public final class AssistantSession {

    /** One answered turn with the decoding statistics of its generation. */
    public record Turn(String answer, String strategy, int nfe, double recomputeFraction, double tokensPerSecond,
            int promptTokens, int answerTokens, String finishReason) {

        /** The statistics line printed under an answer. */
        public String statsLine() {
            return String.format(Locale.ROOT,
                    "[%s | %.1f tokens/s | NFE %d | recompute %.1f%% | %d prompt + %d answer tokens | %s]", strategy,
                    tokensPerSecond, nfe, recomputeFraction * 100, promptTokens, answerTokens, finishReason);
        }
    }

    /** Model answers with tool calls per question at most; a model that keeps calling fails the question. */
    public static final int MAX_TOOL_ROUND_TRIPS = 3;

    private final Assistant assistant;

    public AssistantSession(ChatModel chatModel, int memoryMessages, Object... tools) {
        AiServices<Assistant> builder = AiServices.builder(Assistant.class)
                .chatModel(chatModel)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(memoryMessages));
        if (tools.length > 0) {
            builder.tools(tools).maxToolCallingRoundTrips(MAX_TOOL_ROUND_TRIPS);
        }
        this.assistant = builder.build();
    }

    /** Asks the assistant; the question and the answer join the memory. */
    public Turn ask(String message) {
        Result<String> result = assistant.chat(message);
        ChatResponse response = result.finalResponse();
        if (!(response.metadata() instanceof ElasticCacheChatResponseMetadata metadata) || metadata.nfe() == null) {
            throw new IllegalStateException("the chat model is not the Elastic-Cache one: no decoding statistics");
        }
        return new Turn(result.content(), metadata.strategy().id(), metadata.nfe(), metadata.recomputeFraction(),
                metadata.tokensPerSecond(), response.tokenUsage().inputTokenCount(),
                response.tokenUsage().outputTokenCount(), String.valueOf(response.finishReason()));
    }
}
