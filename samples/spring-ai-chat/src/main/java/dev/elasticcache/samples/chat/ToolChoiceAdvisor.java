package dev.elasticcache.samples.chat;

import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import dev.elasticcache.structured.ToolChoice;
import java.util.List;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import reactor.core.publisher.Flux;

/**
 * Makes {@code toolChoice: required} mean "the first answer must call a tool": once the prompt ends with tool
 * results (a later round of Spring AI's tool loop), the round runs with {@code auto}, so the model can answer
 * with the results instead of being forced into another call until the tool-call limit ends the loop.
 * Ordered after {@link ToolCallingAdvisor}, it sees every round of the loop.
 */
final class ToolChoiceAdvisor implements CallAdvisor, StreamAdvisor {

    static final ToolChoiceAdvisor INSTANCE = new ToolChoiceAdvisor();

    private ToolChoiceAdvisor() {}

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        return chain.nextCall(adjust(request));
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        return chain.nextStream(adjust(request));
    }

    static ChatClientRequest adjust(ChatClientRequest request) {
        if (!(request.prompt().getOptions() instanceof ElasticCacheChatOptions options)
                || options.getToolChoice() != ToolChoice.REQUIRED) {
            return request;
        }
        List<Message> messages = request.prompt().getInstructions();
        if (messages.isEmpty() || messages.get(messages.size() - 1).getMessageType() != MessageType.TOOL) {
            return request;
        }
        ElasticCacheChatOptions auto = options.mutate().toolChoice(ToolChoice.AUTO).build();
        return request.mutate().prompt(request.prompt().mutate().chatOptions(auto).build()).build();
    }

    @Override
    public String getName() {
        return "Elastic-Cache sample: tool choice 'required' for the first round only";
    }

    @Override
    public int getOrder() {
        return ToolCallingAdvisor.DEFAULT_ORDER + 100;
    }
}
