package dev.elasticcache.structured;

import java.util.Objects;

/**
 * One call of a tool by the model.
 *
 * @param id unique within the conversation ({@code call_...}); tool results refer to it
 * @param name the tool's name, one of the tools offered in the request
 * @param arguments the arguments as a compact JSON object valid against the tool's parameter schema
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }
}
