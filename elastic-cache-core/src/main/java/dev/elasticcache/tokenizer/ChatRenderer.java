package dev.elasticcache.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * A tokenizer that renders conversations into prompt text (both families).
 *
 * <p>Tools follow Hugging Face's convention ({@code apply_chat_template(messages, tools=...)}): when the checkpoint's
 * own template renders {@code tools}, they are handed to it as JSON-like maps
 * ({@code {"type":"function","function":{"name","description","parameters"}}}) and assistant tool calls stay
 * {@code tool_calls}; otherwise the caller writes its own tool block into the messages. {@code
 * dev.elasticcache.structured.ToolPrompt#encodeChat} is the one place that chooses.
 */
public interface ChatRenderer extends TokenText {

    /** Whether the checkpoint's chat template renders a {@code tools} variable (and tool calls) itself. */
    boolean templateRendersTools();

    /**
     * The conversation as prompt text ending with the assistant header.
     *
     * @param tools tool specifications for a template that {@linkplain #templateRendersTools renders tools};
     *     must be empty otherwise
     */
    String renderChat(List<ChatMessage> messages, List<Map<String, Object>> tools);

    /** Refuses tool specifications for a template that cannot render them. */
    default void requireToolsRendered(List<Map<String, Object>> tools) {
        if (!tools.isEmpty() && !templateRendersTools()) {
            throw new IllegalArgumentException("this checkpoint's chat template does not render tools; write them into"
                    + " the messages (ToolPrompt.encodeChat does)");
        }
    }
}
