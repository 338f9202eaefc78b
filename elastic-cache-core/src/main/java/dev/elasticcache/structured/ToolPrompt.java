package dev.elasticcache.structured;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.structured.SchemaNode.ArrayNode;
import dev.elasticcache.structured.SchemaNode.BooleanNode;
import dev.elasticcache.structured.SchemaNode.EnumNode;
import dev.elasticcache.structured.SchemaNode.IntegerNode;
import dev.elasticcache.structured.SchemaNode.NullNode;
import dev.elasticcache.structured.SchemaNode.NullableNode;
import dev.elasticcache.structured.SchemaNode.NumberNode;
import dev.elasticcache.structured.SchemaNode.ObjectNode;
import dev.elasticcache.structured.SchemaNode.StringNode;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.ChatRenderer;
import dev.elasticcache.tokenizer.JinjaChatTemplate;
import dev.elasticcache.tokenizer.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one rendering of tools into a prompt, and of tool calls into an assistant turn.
 *
 * <p>A checkpoint whose chat template renders {@code tools} gets them as Hugging Face passes them ({@link
 * #renderChat}). For the others, tools become a block at the end of the system message (a system message is added when there is none):
 * <pre>
 * Tools:
 * get_weather(city: string) - Current weather. city: the city name
 * convert_currency(amount: integer, from: string, to: string)
 * Call one as &lt;tool_call&gt;{"name":NAME,"arguments":{...}}&lt;/tool_call&gt;
 * </pre>
 * one line per tool: its signature (parameter types from the schema: string, integer, number, boolean, enum
 * values joined by {@code |}, {@code T[]}, {@code {k: T}}, {@code T|null}), then {@code " - "} and its description,
 * then each described parameter as {@code " name: description"}. An assistant turn that called tools is written
 * as {@code <tool_call>{"name":...,"arguments":...}</tool_call>} per call (compact JSON), a tool result as a
 * {@code tool} turn holding the result text.
 */
public final class ToolPrompt {
    public static final String CALL_OPEN = ToolCall.OPEN;
    public static final String CALL_CLOSE = ToolCall.CLOSE;
    static final String HEADER = "Tools:";
    static final String FOOTER = "Call one as " + CALL_OPEN + "{\"name\":NAME,\"arguments\":{...}}" + CALL_CLOSE;

    private ToolPrompt() {}

    /**
     * The one encoding of a conversation with tools, for inference and training alike: the checkpoint's own chat
     * template renders the tools when it reads a {@code tools} variable (Hugging Face's
     * {@code apply_chat_template(messages, tools=...)}; a small model may carry a compact rendering of its own),
     * otherwise the generic block ({@link #withTools}) goes into the system turn. Every tool's schema is
     * validated either way, so a bad schema is named with its tool.
     */
    public static String renderChat(ChatRenderer renderer, List<ChatMessage> messages, List<ToolDefinition> tools,
            JsonSchemaCompiler compiler) {
        if (renderer.templateRendersTools()) {
            List<Map<String, Object>> specs = new ArrayList<>(tools.size());
            for (ToolDefinition tool : tools) {
                parameters(tool, compiler);
                specs.add(spec(tool));
            }
            return renderer.renderChat(messages, specs);
        }
        return renderer.renderChat(withTools(messages, tools, compiler), List.of());
    }

    /** Token ids of {@link #renderChat}. */
    public static int[] encodeChat(ChatRenderer renderer, List<ChatMessage> messages, List<ToolDefinition> tools,
            JsonSchemaCompiler compiler) {
        return renderer.encode(renderChat(renderer, messages, tools, compiler));
    }

    /** A tool as Hugging Face templates read it: {@code {"type":"function","function":{name, description, parameters}}}. */
    static Map<String, Object> spec(ToolDefinition tool) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", tool.name());
        if (!tool.description().isBlank()) {
            function.put("description", tool.description());
        }
        function.put("parameters", JinjaChatTemplate.JSON.fromJson(tool.parametersSchema(), Map.class));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "function");
        spec.put("function", function);
        return spec;
    }

    /** The messages with the tool block added to the system message; unchanged when there are no tools. */
    public static List<ChatMessage> withTools(List<ChatMessage> messages, List<ToolDefinition> tools,
            JsonSchemaCompiler compiler) {
        if (tools.isEmpty()) {
            return messages;
        }
        String block = block(tools, compiler);
        List<ChatMessage> out = new ArrayList<>(messages.size() + 1);
        if (!messages.isEmpty() && messages.get(0).role() == ChatMessage.Role.SYSTEM) {
            String system = messages.get(0).content().strip();
            out.add(ChatMessage.system(system.isEmpty() ? block : system + "\n\n" + block));
            out.addAll(messages.subList(1, messages.size()));
        } else {
            out.add(ChatMessage.system(block));
            out.addAll(messages);
        }
        return out;
    }

    /** The tool block text. */
    public static String block(List<ToolDefinition> tools, JsonSchemaCompiler compiler) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ToolDefinition tool : tools) {
            sb.append(line(tool, compiler)).append('\n');
        }
        return sb.append(FOOTER).toString();
    }

    /** One tool's line. */
    static String line(ToolDefinition tool, JsonSchemaCompiler compiler) {
        ObjectNode object = parameters(tool, compiler);
        StringBuilder sb = new StringBuilder(tool.name()).append('(');
        sb.append(object.properties().stream().map(p -> p.name() + ": " + type(p.schema())).collect(Collectors.joining(", ")));
        sb.append(')');
        if (!tool.description().isBlank()) {
            sb.append(" - ").append(oneLine(tool.description()));
        }
        JsonElement raw = JsonParser.parseString(tool.parametersSchema());
        JsonElement props = raw.getAsJsonObject().get("properties");
        if (props != null && props.isJsonObject()) {
            for (var e : props.getAsJsonObject().entrySet()) {
                JsonObject p = e.getValue().getAsJsonObject();
                if (p.has("description") && p.get("description").isJsonPrimitive()
                        && !p.get("description").getAsString().isBlank()) {
                    sb.append(' ').append(e.getKey()).append(": ").append(oneLine(p.get("description").getAsString()));
                }
            }
        }
        return sb.toString();
    }

    /** The tool's parameters schema, compiled; errors name the tool. */
    private static ObjectNode parameters(ToolDefinition tool, JsonSchemaCompiler compiler) {
        SchemaNode params;
        try {
            params = compiler.compile(tool.parametersSchema());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tool '" + tool.name() + "': " + e.getMessage(), e);
        }
        if (!(params instanceof ObjectNode object)) {
            throw new IllegalArgumentException("parameters of tool '" + tool.name() + "' must be an object schema");
        }
        return object;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /** The type of a parameter as the signature writes it. */
    static String type(SchemaNode node) {
        if (node instanceof StringNode) {
            return "string";
        } else if (node instanceof IntegerNode) {
            return "integer";
        } else if (node instanceof NumberNode) {
            return "number";
        } else if (node instanceof BooleanNode) {
            return "boolean";
        } else if (node instanceof EnumNode e) {
            return e.values().stream().map(JsonElement::toString).collect(Collectors.joining("|"));
        } else if (node instanceof NullNode) {
            return "null";
        } else if (node instanceof NullableNode n) {
            return type(n.inner()) + "|null";
        } else if (node instanceof ArrayNode a) {
            return type(a.items()) + "[]";
        }
        ObjectNode o = (ObjectNode) node;
        return o.properties().stream().map(p -> p.name() + ": " + type(p.schema()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
