package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.structured.ToolChoice;
import dev.elasticcache.structured.ToolDefinition;
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
 * @param outputSchema JSON Schema the answer must follow (decoded by infilling: valid by construction), or null
 * @param tools tools the model may call (rendered into the system turn); needs chat messages
 * @param toolChoice whether the answer may ({@code AUTO}), must ({@code REQUIRED}) or must not ({@code NONE}) be
 *     tool calls
 * @param images images attached to messages (vision-language models: LLaDA-V); may be empty
 */
public record GenerationRequest(
        List<ChatMessage> messages, String text, int[] promptIds, DecodingOptions options, List<String> stopSequences,
        boolean trace, Duration timeout, String outputSchema, List<ToolDefinition> tools, ToolChoice toolChoice,
        List<ChatImage> images) {

    public GenerationRequest {
        images = images == null ? List.of() : List.copyOf(images);
        messages = messages == null ? null : List.copyOf(messages);
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
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
                .stopSequences(stopSequences).trace(trace).timeout(timeout).outputSchema(outputSchema).tools(tools)
                .toolChoice(toolChoice).images(images);
    }

    /** True when the answer is decoded by infilling (a schema, or tools the model may call). */
    public boolean structured() {
        return outputSchema != null || toolChoice == ToolChoice.REQUIRED || (!tools.isEmpty() && toolChoice != ToolChoice.NONE);
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
        private String outputSchema;
        private List<ToolDefinition> tools = List.of();
        private ToolChoice toolChoice = ToolChoice.AUTO;
        private List<ChatImage> images = List.of();

        public Builder messages(List<ChatMessage> v) { messages = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder promptIds(int[] v) { promptIds = v; return this; }
        public Builder options(DecodingOptions v) { options = v; return this; }
        public Builder stopSequences(List<String> v) { stopSequences = v; return this; }
        public Builder trace(boolean v) { trace = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder outputSchema(String v) { outputSchema = v; return this; }
        public Builder tools(List<ToolDefinition> v) { tools = v; return this; }
        public Builder toolChoice(ToolChoice v) { toolChoice = v; return this; }
        /** Images of the chat's messages (vision-language models only). */
        public Builder images(List<ChatImage> v) { images = v; return this; }

        public GenerationRequest build() {
            return new GenerationRequest(messages, text, promptIds, options, stopSequences, trace, timeout, outputSchema,
                    tools, toolChoice, images);
        }
    }
}
