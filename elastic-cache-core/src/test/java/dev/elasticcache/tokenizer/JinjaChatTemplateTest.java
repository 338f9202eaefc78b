package dev.elasticcache.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.elasticcache.checkpoint.CheckpointException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JinjaChatTemplateTest {

    /**
     * {@code chat_template} of GSAI-ML/LLaDA-8B-Instruct's tokenizer_config.json (read from a published copy of that
     * file, not from the hub itself), character for character as the JSON string decodes (its {@code \n} escapes are newline characters inside the Jinja string literals): the
     * early Llama-3 template, BOS on the first turn, content trimmed, the assistant header always appended.
     */
    static final String LLADA_8B_INSTRUCT_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
            + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}";

    static final List<List<ChatMessage>> CONVERSATIONS = List.of(
            List.of(ChatMessage.user("What is 2+2?")),
            List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")),
            List.of(ChatMessage.system("You are a travel agent."), ChatMessage.user("Book Oslo."),
                    ChatMessage.assistant("Which dates?"), ChatMessage.user("May 3 to 5, two people.")),
            List.of(ChatMessage.user("A"), ChatMessage.assistant("B"), ChatMessage.user("C"), ChatMessage.assistant("D"),
                    ChatMessage.user("E")),
            // trimming: Python's str.strip() whitespace, inner whitespace kept
            List.of(ChatMessage.system(" \n\t Sys \u00a0"), ChatMessage.user(" \n\t Hello\n\n  world \u00a0\u3000\r\n"),
                    ChatMessage.assistant("\u0085x\u2028"), ChatMessage.user("   ")),
            List.of(ChatMessage.user("{{ not a template }} {% raw %} <|eot_id|> 'quotes' \"double\" \\ back")));

    @TempDir
    Path dir;

    private JinjaChatTemplate llada() {
        return new JinjaChatTemplate(LLADA_8B_INSTRUCT_TEMPLATE,
                Map.of("bos_token", "<|startoftext|>", "eos_token", "<|endoftext|>"), dir.resolve("tokenizer_config.json"));
    }

    @Test
    void lladaInstructTemplateRendersExactlyWhatChatTemplateWrites() {
        JinjaChatTemplate jinja = llada();
        ChatTemplate handWritten = ChatTemplate.llada();
        for (List<ChatMessage> conversation : CONVERSATIONS) {
            String expected = handWritten.render(conversation);
            assertThat(jinja.render(conversation, true)).as("%s", conversation).isEqualTo(expected);
            // LLaDA's template writes the assistant header whatever add_generation_prompt says
            assertThat(jinja.render(conversation, false)).isEqualTo(expected);
        }
    }

    @Test
    void lladaInstructTemplateGivesTheSameTokensAsEncodeChat() {
        TinyTokenizerFiles.write(dir);
        JinjaChatTemplate jinja = llada();
        try (LladaTokenizer tok = LladaTokenizer.open(dir)) {
            for (List<ChatMessage> conversation : CONVERSATIONS) {
                assertThat(tok.encode(jinja.render(conversation, true))).as("%s", conversation)
                        .containsExactly(tok.encodeChat(conversation));
            }
        }
    }

    @Test
    void templateStoredByTinyTokenizerFilesMatchesToo() {
        TinyTokenizerFiles.write(dir);
        JinjaChatTemplate fromFolder = JinjaChatTemplate.fromFolder(dir);
        assertThat(fromFolder.origin()).isEqualTo(dir.resolve("tokenizer_config.json"));
        assertThat(fromFolder.specialTokens()).containsEntry("bos_token", "<|startoftext|>");
        for (List<ChatMessage> conversation : CONVERSATIONS) {
            assertThat(fromFolder.render(conversation, true)).isEqualTo(ChatTemplate.llada().render(conversation));
        }
    }

    @Test
    void lladaFoldersRenderWithTheirOwnTemplateAndKeepTodaysTextForRandomConversations() {
        // The tokenizer now runs the folder's chat_template; LLaDA's template must give exactly the hand-written
        // text for any conversation, tool calls and tool results included.
        TinyTokenizerFiles.write(dir);
        java.util.Random random = new java.util.Random(11);
        String[] pieces = {"", " ", "\n", "\t", "a", "Hello", "{{ x }}", "<|eot_id|>", "\u00a0", "\u3000", "42", "'q'", "\"d\""};
        try (LladaTokenizer tok = LladaTokenizer.open(dir)) {
            assertThat(tok.chatTemplateSource()).isPresent();
            for (int c = 0; c < 200; c++) {
                List<ChatMessage> conversation = new java.util.ArrayList<>();
                for (int m = 0, n = 1 + random.nextInt(6); m < n; m++) {
                    StringBuilder text = new StringBuilder();
                    for (int w = random.nextInt(5); w > 0; w--) {
                        text.append(pieces[random.nextInt(pieces.length)]);
                    }
                    String t = text.toString();
                    switch (random.nextInt(5)) {
                        case 0 -> conversation.add(ChatMessage.system(t));
                        case 1 -> conversation.add(ChatMessage.assistant(t));
                        case 2 -> conversation.add(new ChatMessage(ChatMessage.Role.ASSISTANT, t, List.of(
                                new ToolCall("call_" + m, "get_weather", "{\"city\":\"Oslo " + m + "\"}")), null, null));
                        case 3 -> conversation.add(ChatMessage.toolResult("call_" + m, "get_weather", t));
                        default -> conversation.add(ChatMessage.user(t));
                    }
                }
                assertThat(tok.renderChat(conversation)).as("%s", conversation)
                        .isEqualTo(ChatTemplate.llada().render(conversation));
            }
        }
    }

    @Test
    void chatMlTemplateRendersDreamsPrompt() {
        JinjaChatTemplate chatml = new JinjaChatTemplate(DreamTokenizerFiles.CHATML_TEMPLATE,
                Map.of("eos_token", "<|endoftext|>", "bos_token", "<|beginoftext|>"), dir.resolve("tokenizer_config.json"));
        // dream.md §1.5
        assertThat(chatml.render(List.of(ChatMessage.user("What is 2+2?")), true)).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(chatml.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user(" x "),
                ChatMessage.assistant("y"), ChatMessage.user("z")), false)).isEqualTo(
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n x <|im_end|>\n"
                        + "<|im_start|>assistant\ny<|im_end|>\n<|im_start|>user\nz<|im_end|>\n");
    }

    @Test
    void blocksAreTrimmedAndOneTrailingNewlineDroppedAsHuggingFaceDoes() {
        String multiline = """
                {% for message in messages %}
                  {% if message.role == 'user' %}
                [{{ message.content }}]
                  {% endif %}
                {% endfor %}
                {% if add_generation_prompt %}
                >
                {% endif %}
                """;
        JinjaChatTemplate t = new JinjaChatTemplate(multiline, Map.of(), dir.resolve("t"));
        assertThat(t.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b"), ChatMessage.user("c")), true))
                .isEqualTo("[a]\n[c]\n>\n");
        assertThat(new JinjaChatTemplate("x\n\n", Map.of(), dir.resolve("t")).render(List.of(), true)).isEqualTo("x\n");
        // escapes inside Jinja string literals work too
        assertThat(new JinjaChatTemplate("{{ 'a\\nb\\t' }}", Map.of(), dir.resolve("t")).render(List.of(), true))
                .isEqualTo("a\nb\t");
    }

    @Test
    void toolTurnsReachTheTemplate() {
        String source = "{% for m in messages %}{{ m.role }}:{% if m.tool_calls %}{% for c in m.tool_calls %}"
                + "{{ c.function.name }}({{ c.function.arguments.city }}){% endfor %}{% endif %}"
                + "{% if m.tool_call_id %}{{ m.name }}#{{ m.tool_call_id }}={% endif %}{{ m.content }};{% endfor %}";
        JinjaChatTemplate t = new JinjaChatTemplate(source, Map.of(), dir.resolve("t"));
        assertThat(t.render(List.of(ChatMessage.user("weather?"),
                ChatMessage.assistantToolCalls(List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"))),
                ChatMessage.toolResult("call_1", "get_weather", "sunny")), true))
                .isEqualTo("user:weather?;assistant:get_weather(Oslo);tool:get_weather#call_1=sunny;");
    }

    @Test
    void raiseExceptionIsReportedWithItsMessageAndTheFile() {
        Path file = dir.resolve("tokenizer_config.json");
        JinjaChatTemplate t = new JinjaChatTemplate("{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
                + "{{ m['content'] }}{% endfor %}", Map.of(), file);
        assertThat(t.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), true)).isEqualTo("ab");
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the chat template rejected the conversation")
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
        // a later successful render is not affected
        assertThat(t.render(List.of(ChatMessage.user("c")), true)).isEqualTo("c");
    }

    @Test
    void brokenTemplatesFailNamingTheFile() {
        Path file = dir.resolve("tokenizer_config.json");
        for (String broken : List.of("{% for m in messages %}{{ m.content }}", "{{ messages[0].content.startswith('x') }}",
                "{% if %}x{% endif %}", "{{ messages | no_such_filter }}", "{% for m in messages %\n}",
                "{% if messages[0] is no_such_test %}x{% endif %}", "{{ {'a': 1} | items }}")) {
            JinjaChatTemplate t = new JinjaChatTemplate(broken, Map.of(), file);
            assertThatThrownBy(() -> t.render(List.of(ChatMessage.user("x")), true))
                    .as(broken)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("the chat template failed to render");
        }
    }

    @Test
    void filtersAndTestsAreFoundOutsideStringLiterals() {
        assertThat(JinjaChatTemplate.filtersAndTests(LLADA_8B_INSTRUCT_TEMPLATE))
                .extracting(u -> u[0] + ":" + u[1]).containsExactly("filter:trim");
        assertThat(JinjaChatTemplate.filtersAndTests("{# x | nope #}{% raw %}{{ y | nope }}{% endraw %}{{ '|a' ~ \"|b\" | upper }}"
                + "{% if m is not defined and n is string %}{% set is_x = 1 %}{% endif %}"))
                .extracting(u -> u[0] + ":" + u[1]).containsExactly("filter:upper", "test:defined", "test:string");
    }

    @Test
    void missingChatTemplateNamesTheFile() throws Exception {
        Path config = dir.resolve("tokenizer_config.json");
        assertThatThrownBy(() -> JinjaChatTemplate.fromFolder(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(config.toString())
                .hasMessageContaining("(the file does not exist)");
        Files.writeString(config, "{\"bos_token\": \"<s>\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> JinjaChatTemplate.fromFolder(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(config + ": no chat_template in tokenizer_config.json and no chat_template.jinja");
        JsonObject o = new JsonObject();
        assertThatThrownBy(() -> JinjaChatTemplate.fromTokenizerConfig(o, config))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(config + ": no chat_template");
        o.addProperty("chat_template", 5);
        assertThatThrownBy(() -> JinjaChatTemplate.fromTokenizerConfig(o, config))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("chat_template must be a string");
    }

    @Test
    void namedTemplatesAndTheTemplateFile() throws Exception {
        Path config = dir.resolve("tokenizer_config.json");
        JsonObject o = new JsonObject();
        JsonArray list = new JsonArray();
        JsonObject tools = new JsonObject();
        tools.addProperty("name", "tool_use");
        tools.addProperty("template", "T");
        JsonObject def = new JsonObject();
        def.addProperty("name", "default");
        def.addProperty("template", "{{ bos_token }}D");
        list.add(tools);
        list.add(def);
        o.add("chat_template", list);
        JsonObject bos = new JsonObject();
        bos.addProperty("content", "<s>");
        o.add("bos_token", bos);
        Files.writeString(config, o.toString(), StandardCharsets.UTF_8);
        assertThat(JinjaChatTemplate.fromFolder(dir).render(List.of(), true)).isEqualTo("<s>D");
        list.remove(1);
        Files.writeString(config, o.toString(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> JinjaChatTemplate.fromFolder(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("[tool_use] without one named \"default\"");
        o.remove("chat_template");
        Files.writeString(config, o.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}J{{ messages | length }}\n", StandardCharsets.UTF_8);
        JinjaChatTemplate file = JinjaChatTemplate.fromFolder(dir);
        assertThat(file.origin()).isEqualTo(dir.resolve("chat_template.jinja"));
        assertThat(file.render(List.of(ChatMessage.user("x")), true)).isEqualTo("<s>J1");
    }
}
