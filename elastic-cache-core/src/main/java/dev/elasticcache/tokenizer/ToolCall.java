package dev.elasticcache.tokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Objects;

/**
 * One call of a tool by the model.
 *
 * @param id unique within the conversation ({@code call_...}); tool results refer to it
 * @param name the tool's name, one of the tools offered in the request
 * @param arguments the arguments as a compact JSON object valid against the tool's parameter schema
 */
public record ToolCall(String id, String name, String arguments) {
    /** Opens a call in an assistant turn. */
    public static final String OPEN = "<tool_call>";
    /** Closes a call in an assistant turn. */
    public static final String CLOSE = "</tool_call>";

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }

    /** The call as an assistant turn writes it: {@link #text(String, String)}. */
    public String text() {
        return text(name, arguments);
    }

    /** {@code <tool_call>{"name":"get_weather","arguments":{"city":"Oslo"}}</tool_call>} (arguments compacted). */
    public static String text(String name, String argumentsJson) {
        JsonObject call = new JsonObject();
        call.addProperty("name", name);
        call.add("arguments", JsonParser.parseString(argumentsJson));
        return OPEN + call + CLOSE;
    }
}
