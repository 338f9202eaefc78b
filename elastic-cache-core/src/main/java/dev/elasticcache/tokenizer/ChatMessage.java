package dev.elasticcache.tokenizer;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One chat turn. An assistant turn may carry the tool calls it made (its content is then usually empty); a
 * tool turn carries the result of one call, with the call's id and tool name.
 *
 * @param role who speaks
 * @param content the text (a tool turn: the tool's result)
 * @param toolCalls the calls of an assistant turn, else empty
 * @param toolCallId the id of the call a tool turn answers, else null
 * @param toolName the tool a tool turn answers for, else null
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId, String toolName) {

    /** Chat roles; {@link #templateName()} is the lower-case name the chat template writes. */
    public enum Role {
        SYSTEM,
        USER,
        ASSISTANT,
        TOOL;

        /** "system", "user", "assistant" or "tool". */
        public String templateName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls, not " + role.templateName());
        }
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), null, null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /** An assistant turn that called tools. */
    public static ChatMessage assistantToolCalls(List<ToolCall> calls) {
        if (calls == null || calls.isEmpty()) {
            throw new IllegalArgumentException("an assistant tool-call message needs at least one call");
        }
        return new ChatMessage(Role.ASSISTANT, "", calls, null, null);
    }

    /** The result of one tool call. */
    public static ChatMessage toolResult(String toolCallId, String toolName, String result) {
        return new ChatMessage(Role.TOOL, result == null ? "" : result, List.of(), toolCallId, toolName);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
