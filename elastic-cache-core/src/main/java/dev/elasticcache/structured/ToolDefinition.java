package dev.elasticcache.structured;

import java.util.Objects;

/**
 * A tool the model may call.
 *
 * @param name the name the model calls it by (letters, digits, '_' and '-')
 * @param description what it does, or empty
 * @param parametersSchema JSON Schema of the arguments object (the supported subset of {@link JsonSchemaCompiler});
 *     null or blank means no parameters
 */
public record ToolDefinition(String name, String description, String parametersSchema) {
    public ToolDefinition {
        Objects.requireNonNull(name, "tool name");
        description = description == null ? "" : description;
        parametersSchema = parametersSchema == null || parametersSchema.isBlank()
                ? "{\"type\":\"object\",\"properties\":{}}" : parametersSchema;
    }
}
