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

    /**
     * @throws IllegalArgumentException naming the tool and the call when {@code arguments} is not a JSON object (an
     *     adapter passes a conversation's calls back as the model wrote them; anything else is a client's mistake)
     */
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
        if (!isJsonObject(arguments)) {
            throw new IllegalArgumentException("the arguments of tool call '" + name + "' (id " + id + ") are not a JSON"
                    + " object: " + (arguments.length() > 60 ? arguments.substring(0, 60) + "..." : arguments)
                    + "; send the arguments as the model returned them");
        }
    }

    /** Whether {@code text} is one JSON object (the arguments of a call). */
    public static boolean isJsonObject(String text) {
        try {
            return JsonParser.parseString(text).isJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            return false;
        }
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
