package dev.elasticcache.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.ChatTemplate;
import dev.elasticcache.tokenizer.JinjaChatTemplate;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import dev.elasticcache.tokenizer.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tools go to the checkpoint's own template when it renders {@code tools}, to the generic block otherwise. */
class ToolPromptTemplateTest {
    private static final List<ToolDefinition> TOOLS = List.of(
            new ToolDefinition("get_weather", "Current weather.",
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"the city\"}},"
                            + "\"required\":[\"city\"]}"),
            new ToolDefinition("convert_currency", "",
                    "{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"integer\"},\"from\":{\"type\":\"string\"},"
                            + "\"to\":{\"type\":\"string\"}},\"required\":[\"amount\",\"from\",\"to\"]}"));
    private final JsonSchemaCompiler compiler = new JsonSchemaCompiler();

    @Test
    void aTemplateThatRendersToolsGetsThemAsHuggingFacePassesThem(@TempDir Path dir) {
        TinyTokenizerFiles.write(dir, TinyTokenizerFiles.COMPACT_TOOLS_JINJA);
        try (LladaTokenizer tokenizer = LladaTokenizer.open(dir)) {
            assertTrue(tokenizer.templateRendersTools());
            List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Convert 12 EUR to USD."),
                    ChatMessage.assistantToolCalls(List.of(new ToolCall("call_1", "convert_currency",
                            "{\"amount\":12,\"from\":\"EUR\",\"to\":\"USD\"}"))),
                    ChatMessage.toolResult("call_1", "convert_currency", "13.10 USD"));
            String prompt = ToolPrompt.renderChat(tokenizer, messages, TOOLS, compiler);
            // Integers stay integers (12, not 12.0) and arguments are compact, as ToolCall writes a call.
            assertEquals("<|startoftext|><|start_header_id|>system<|end_header_id|>\n\nBe brief.\n\nTools:\n"
                    + "get_weather(city)\nconvert_currency(amount,from,to)<|eot_id|>"
                    + "<|start_header_id|>user<|end_header_id|>\n\nConvert 12 EUR to USD.<|eot_id|>"
                    + "<|start_header_id|>assistant<|end_header_id|>\n\n"
                    + ToolCall.text("convert_currency", "{\"amount\":12,\"from\":\"EUR\",\"to\":\"USD\"}") + "<|eot_id|>"
                    + "<|start_header_id|>tool<|end_header_id|>\n\n13.10 USD<|eot_id|>"
                    + "<|start_header_id|>assistant<|end_header_id|>\n\n", prompt);
            String noTools = ToolPrompt.renderChat(tokenizer, List.of(ChatMessage.user("hi")), List.of(), compiler);
            assertEquals("<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                    + "<|start_header_id|>assistant<|end_header_id|>\n\n", noTools);
            assertEquals(tokenizer.encode(prompt).length, ToolPrompt.encodeChat(tokenizer, messages, TOOLS, compiler).length);
        }
    }

    @Test
    void aTemplateWithoutToolsGetsTheGenericBlock(@TempDir Path dir) {
        TinyTokenizerFiles.write(dir);
        try (LladaTokenizer tokenizer = LladaTokenizer.open(dir)) {
            assertFalse(tokenizer.templateRendersTools());
            List<ChatMessage> messages = List.of(ChatMessage.user("weather in Oslo?"));
            assertEquals(tokenizer.renderChat(ToolPrompt.withTools(messages, TOOLS, compiler)),
                    ToolPrompt.renderChat(tokenizer, messages, TOOLS, compiler));
            assertTrue(ToolPrompt.renderChat(tokenizer, messages, TOOLS, compiler).contains(ToolPrompt.block(TOOLS, compiler)));
            assertThrows(IllegalArgumentException.class, () -> tokenizer.renderChat(messages,
                    List.of(Map.of("type", "function"))));
        }
    }

    @Test
    void aBadSchemaIsNamedWithItsToolWhicheverRenderingIsUsed(@TempDir Path dir) {
        TinyTokenizerFiles.write(dir, TinyTokenizerFiles.COMPACT_TOOLS_JINJA);
        List<ToolDefinition> bad = List.of(new ToolDefinition("lookup", "", "{\"type\":\"object\",\"properties\":"
                + "{\"q\":{\"type\":\"string\",\"pattern\":\"^a\"}}}"));
        try (LladaTokenizer tokenizer = LladaTokenizer.open(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ToolPrompt.renderChat(tokenizer, List.of(ChatMessage.user("x")), bad, compiler));
            assertTrue(e.getMessage().contains("lookup"), e.getMessage());
        }
    }

    @Test
    void templatesAreToldApartByTheirCodeNotTheirText() {
        assertTrue(template("{% if tools %}T{% endif %}").rendersTools());
        assertTrue(template("{%- for tool in tools %}{{ tool | tojson }}{% endfor %}").rendersTools());
        assertFalse(template("{{ 'tools' }} {# tools #}").rendersTools());
        assertFalse(template("{% if message.tools_used %}x{% endif %}").rendersTools());
        assertFalse(template(ChatTemplate.LLADA_JINJA).rendersTools());
    }

    private static JinjaChatTemplate template(String source) {
        return new JinjaChatTemplate(source, Map.of(), Path.of("tokenizer_config.json"));
    }
}
