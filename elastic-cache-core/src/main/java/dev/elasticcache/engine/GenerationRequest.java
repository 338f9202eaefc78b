package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.tokenizer.ChatMessage;
import java.time.Duration;
import java.util.List;

/**
 * What to generate. Exactly one prompt form is set: chat {@code messages} (rendered with the model's chat
 * template), raw {@code text} (encoded as is), or {@code promptIds}.
 *
 * @param messages chat messages, or null
 * @param text raw prompt text, or null
 * @param promptIds prompt token ids, or null
 * @param options decoding options; null uses the engine's defaults
 * @param stopSequences texts that end the answer (it is cut before them); may be empty
 * @param trace whether to record the per-step trace
 * @param timeout per-request timeout; null uses the engine's default
 */
public record GenerationRequest(
        List<ChatMessage> messages, String text, int[] promptIds, DecodingOptions options, List<String> stopSequences,
        boolean trace, Duration timeout) {

    public GenerationRequest {
        messages = messages == null ? null : List.copyOf(messages);
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
    }

    /** A chat request with the engine's default options. */
    public static GenerationRequest chat(List<ChatMessage> messages) {
        return builder().messages(messages).build();
    }

    /** A single user message. */
    public static GenerationRequest ofUser(String content) {
        return chat(List.of(ChatMessage.user(content)));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder mutate() {
        return new Builder().messages(messages).text(text).promptIds(promptIds).options(options)
                .stopSequences(stopSequences).trace(trace).timeout(timeout);
    }

    /** Builder; set one prompt form. */
    public static final class Builder {
        private List<ChatMessage> messages;
        private String text;
        private int[] promptIds;
        private DecodingOptions options;
        private List<String> stopSequences = List.of();
        private boolean trace;
        private Duration timeout;

        public Builder messages(List<ChatMessage> v) { messages = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder promptIds(int[] v) { promptIds = v; return this; }
        public Builder options(DecodingOptions v) { options = v; return this; }
        public Builder stopSequences(List<String> v) { stopSequences = v; return this; }
        public Builder trace(boolean v) { trace = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }

        public GenerationRequest build() {
            return new GenerationRequest(messages, text, promptIds, options, stopSequences, trace, timeout);
        }
    }
}
