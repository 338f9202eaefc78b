package dev.elasticcache.lab.tasks;

import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * One synthetic instruction: the conversation and the exact answer expected from the assistant.
 *
 * @param family the task family's name (e.g. {@code reverse})
 * @param prompt the last user message (it decides the held-out split)
 * @param answer the expected answer, scored by exact match: text, the JSON document (with an output schema), or
 *     the call {@code {"name":...,"arguments":{...}}} (when a call is expected)
 * @param messages the whole conversation before the answer; a single user turn holding {@code prompt} when null
 * @param outputSchema JSON Schema the answer follows (decoded by infilling), or null
 * @param tools tools offered in the prompt, possibly empty
 * @param expectsCall whether the answer is a tool call
 */
public record Task(String family, String prompt, String answer, List<ChatMessage> messages, String outputSchema,
        List<ToolDefinition> tools, boolean expectsCall) {

    public Task {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        messages = messages == null ? List.of(ChatMessage.user(prompt)) : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** A plain text task: one user message, a text answer. */
    public Task(String family, String prompt, String answer) {
        this(family, prompt, answer, null, null, List.of(), false);
    }

    /** How the answer is decoded: free text, a schema document or a tool call. */
    public boolean structured() {
        return outputSchema != null || expectsCall;
    }
}
