package dev.elasticcache.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * The LLaDA-8B-Instruct chat template, rendered in Java byte for byte:
 * {@code bos} once, then per message {@code <|start_header_id|>role<|end_header_id|>\n\n content.strip() <|eot_id|>},
 * then always the assistant header {@code <|start_header_id|>assistant<|end_header_id|>\n\n}.
 * Tool results are turns of role {@code tool}; an assistant turn's tool calls follow its content as
 * {@link ToolPrompt#calls}.
 * Content is stripped of leading and trailing whitespace as Jinja's {@code trim} (Python {@code str.strip()}) does.
 */
public final class ChatTemplate {

    public static final String DEFAULT_BOS = "<|startoftext|>";
    public static final String DEFAULT_START_HEADER = "<|start_header_id|>";
    public static final String DEFAULT_END_HEADER = "<|end_header_id|>";
    public static final String DEFAULT_EOT = "<|eot_id|>";

    /**
     * The Jinja source of this template as it is stored in a tokenizer_config.json {@code chat_template}
     * (for reference and for files this project writes; rendering is done in Java).
     */
    public static final String LLADA_JINJA =
            "{% set loop_messages = messages %}"
            + "{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
            + "{{ content }}"
            + "{% endfor %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}";

    private final String bos;
    private final String startHeader;
    private final String endHeader;
    private final String eot;

    public ChatTemplate(String bos, String startHeader, String endHeader, String eot) {
        this.bos = Objects.requireNonNull(bos, "bos");
        this.startHeader = Objects.requireNonNull(startHeader, "startHeader");
        this.endHeader = Objects.requireNonNull(endHeader, "endHeader");
        this.eot = Objects.requireNonNull(eot, "eot");
    }

    /** The template with LLaDA's special token strings. */
    public static ChatTemplate llada() {
        return new ChatTemplate(DEFAULT_BOS, DEFAULT_START_HEADER, DEFAULT_END_HEADER, DEFAULT_EOT);
    }

    /** The same template with another BOS string (as tokenizer_config.json's {@code bos_token} says). */
    public ChatTemplate withBos(String newBos) {
        return new ChatTemplate(newBos, startHeader, endHeader, eot);
    }

    public String bos() {
        return bos;
    }

    public String startHeader() {
        return startHeader;
    }

    public String endHeader() {
        return endHeader;
    }

    public String eot() {
        return eot;
    }

    /** Renders the prompt, ending with the assistant header the model continues from. */
    public String render(List<ChatMessage> messages) {
        Objects.requireNonNull(messages, "messages");
        StringBuilder sb = new StringBuilder(bos);
        for (ChatMessage m : messages) {
            header(sb, m.role().templateName());
            sb.append(turnText(m)).append(eot);
        }
        header(sb, ChatMessage.Role.ASSISTANT.templateName());
        return sb.toString();
    }

    /** What a turn says: its content stripped, then an assistant turn's tool calls as {@link ToolCall#text()}. */
    public static String turnText(ChatMessage m) {
        StringBuilder text = new StringBuilder(strip(m.content()));
        m.toolCalls().forEach(call -> text.append(call.text()));
        return text.toString();
    }

    private void header(StringBuilder sb, String role) {
        sb.append(startHeader).append(role).append(endHeader).append("\n\n");
    }

    /** Python's {@code str.strip()} with no argument: removes leading/trailing Unicode whitespace. */
    public static String strip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && isPythonSpace(s.charAt(begin))) {
            begin++;
        }
        while (end > begin && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(begin, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
