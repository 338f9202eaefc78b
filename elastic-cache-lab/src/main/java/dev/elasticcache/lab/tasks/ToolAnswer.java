package dev.elasticcache.lab.tasks;

import dev.elasticcache.tokenizer.ToolCall;
import dev.elasticcache.tokenizer.ChatMessage;
import java.util.List;
import java.util.Random;

/**
 * The conversation of {@link ToolCalling} after the call and its result ({@code 12C and rainy}): the answer is
 * text quoting the result verbatim ({@code The weather is 12C and rainy.}).
 */
public final class ToolAnswer implements TaskFamily {
    public static final String NAME = "tool-answer";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        TravelTools.Request r = TravelTools.request(random);
        String id = "call_" + Words.digits(random, 6);
        List<ChatMessage> messages = List.of(
                ChatMessage.user(r.text()),
                ChatMessage.assistantToolCalls(List.of(new ToolCall(id, r.tool(), r.arguments().toString()))),
                ChatMessage.toolResult(id, r.tool(), r.result()));
        // Keyed on the request alone, as ToolCalling is: a held-out request stays out of both families' training.
        return new Task(NAME, r.text(), r.answer(), messages, null,
                TravelTools.offered(r.tool(), random), false);
    }
}
