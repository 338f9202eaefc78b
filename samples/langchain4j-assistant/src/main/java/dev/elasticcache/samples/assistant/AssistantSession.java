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
 * {@code memoryMessages} messages (user and assistant turns) in a {@link MessageWindowChatMemory}.
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

    private final Assistant assistant;

    public AssistantSession(ChatModel chatModel, int memoryMessages) {
        this.assistant = AiServices.builder(Assistant.class)
                .chatModel(chatModel)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(memoryMessages))
                .build();
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
