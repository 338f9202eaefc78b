package dev.elasticcache.spring.ai;

import dev.elasticcache.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Spring AI's JSON format instructions ({@code BeanOutputConverter.getFormat()}), which {@code entity(..)} appends
 * to the user text when native structured output is off. The schema they carry is infilled like a native
 * {@code outputSchema}, and the instructions are dropped from the prompt: the canvas states the format exactly,
 * and a small model would only be distracted by the prose.
 */
final class FormatInstructions {
    static final String START = "Your response should be in JSON format.";
    static final String SCHEMA_MARKER = "Here is the JSON Schema instance your output must adhere to:";
    private static final String FENCE = "```";

    private FormatInstructions() {}

    /** The text without the instructions and the schema they hold; the text is not changed. */
    record Found(String text, String schema) {}

    /** The conversation with the instructions taken out of its last user turn that holds some, and their schema. */
    record Extracted(List<ChatMessage> messages, String schema) {}

    /** Finds the format instructions in the latest user turn that holds them; empty when none does. */
    static Optional<Extracted> extract(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            Optional<Found> found = m.role() == ChatMessage.Role.USER ? find(m.content()) : Optional.empty();
            if (found.isPresent()) {
                List<ChatMessage> out = new ArrayList<>(messages);
                out.set(i, ChatMessage.user(found.get().text()));
                return Optional.of(new Extracted(out, found.get().schema()));
            }
        }
        return Optional.empty();
    }

    static Optional<Found> find(String text) {
        int start = text.indexOf(START);
        int marker = text.indexOf(SCHEMA_MARKER, Math.max(start, 0));
        if (start < 0 || marker < 0) {
            return Optional.empty();
        }
        int open = text.indexOf(FENCE, marker + SCHEMA_MARKER.length());
        if (open < 0) {
            return Optional.empty();
        }
        int body = open + FENCE.length();
        if (text.startsWith("json", body)) {
            body += 4;
        }
        int close = text.indexOf(FENCE, body);
        if (close < 0) {
            return Optional.empty();
        }
        String rest = (text.substring(0, start) + text.substring(close + FENCE.length())).strip();
        return Optional.of(new Found(rest, text.substring(body, close).strip()));
    }
}
