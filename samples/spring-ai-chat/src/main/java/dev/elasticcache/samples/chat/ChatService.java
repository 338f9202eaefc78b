package dev.elasticcache.samples.chat;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.samples.chat.ChatApi.ChatReply;
import dev.elasticcache.samples.chat.ChatApi.ChatRequest;
import dev.elasticcache.samples.chat.ChatApi.CompareReply;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;

/** Turns {@code /api} requests into Spring AI prompts for the Elastic-Cache chat model. */
@Service
public class ChatService {

    private final ElasticCacheChatModel chatModel;

    public ChatService(ElasticCacheChatModel chatModel) {
        this.chatModel = chatModel;
    }

    public ElasticCacheChatModel chatModel() {
        return chatModel;
    }

    /** Decodes the whole answer. */
    public ChatReply call(ChatRequest request) {
        ChatResponse response = chatModel.call(prompt(request));
        return ChatReply.from(response, response.getResult().getOutput().getText());
    }

    /** Streams text deltas; the last chunk has empty text and carries finish reason, usage and statistics. */
    public Flux<ChatResponse> stream(ChatRequest request) {
        return chatModel.stream(prompt(request));
    }

    /** Decodes the prompt with the requested strategy, then with the {@code llada} baseline (one after the other). */
    public CompareReply compare(ChatRequest request) {
        ChatReply candidate = call(request);
        ChatReply baseline = call(request.withStrategy(Strategy.LLADA.id()));
        double candidateTps = candidate.stats().tokensPerSecond();
        double baselineTps = baseline.stats().tokensPerSecond();
        Double speedup = baselineTps > 0 ? candidateTps / baselineTps : null;
        double latency = baseline.stats().decodeMillis() / Math.max(candidate.stats().decodeMillis(), 1e-3);
        double nfe = (double) baseline.stats().nfe() / Math.max(candidate.stats().nfe(), 1);
        return new CompareReply(candidate, baseline, speedup, latency, nfe, candidate.answer().equals(baseline.answer()));
    }

    /** The prompt of a request; its decoding knobs override the model's defaults. */
    Prompt prompt(ChatRequest request) {
        if (request == null || request.message() == null || request.message().isBlank()) {
            throw new IllegalArgumentException("message must not be blank: send {\"message\": \"your question\"}");
        }
        ElasticCacheChatOptions.Builder options = ElasticCacheChatOptions.builder()
                .strategy(request.strategy() == null || request.strategy().isBlank() ? null : request.strategy())
                .maxTokens(request.maxTokens()).gamma(request.gamma()).windowLength(request.windowLength())
                .threshold(request.threshold()).blockLength(request.blockLength()).temperature(request.temperature())
                .seed(request.seed());
        if (request.stop() != null && !request.stop().isEmpty()) {
            options.stopSequences(request.stop());
        }
        List<Message> messages = new ArrayList<>(2);
        if (request.system() != null && !request.system().isBlank()) {
            messages.add(new SystemMessage(request.system()));
        }
        messages.add(new UserMessage(request.message()));
        return new Prompt(messages, options.build());
    }
}
