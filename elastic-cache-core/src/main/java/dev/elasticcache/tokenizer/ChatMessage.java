package dev.elasticcache.tokenizer;

import java.util.Locale;
import java.util.Objects;

/** One chat turn. */
public record ChatMessage(Role role, String content) {

    /** Chat roles; {@link #templateName()} is the lower-case name the chat template writes. */
    public enum Role {
        SYSTEM,
        USER,
        ASSISTANT;

        /** "system", "user" or "assistant". */
        public String templateName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
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
}
