package dev.elasticcache.spring.ai;

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
