package dev.elasticcache.structured;

import com.google.gson.JsonElement;
import java.util.List;

/**
 * A compiled JSON Schema of the supported subset: what the infilling canvas is built from. Every node knows its
 * size bounds in tokens, so a canvas has a fixed length before decoding starts.
 */
public sealed interface SchemaNode {

    /** Properties in schema order; every property is written (required or not). */
    record ObjectNode(List<Property> properties) implements SchemaNode {
        public ObjectNode {
            properties = List.copyOf(properties);
        }
    }

    /** One object property. */
    record Property(String name, SchemaNode schema) {}

    /**
     * A string value slot.
     *
     * @param minLength minimum length in characters (filler is forbidden before it)
     * @param maxLength maximum length in characters, or -1 (the value is cut to it when rendered)
     * @param tokens slot width in tokens
     */
    record StringNode(int minLength, int maxLength, int tokens) implements SchemaNode {}

    /**
     * An integer value slot of {@code tokens} positions (digits and a sign); the value is clamped into
     * [{@code minimum}, {@code maximum}] (from {@code minimum}/{@code maximum} or an int32/int64 format; null: none).
     */
    record IntegerNode(int tokens, java.math.BigInteger minimum, java.math.BigInteger maximum) implements SchemaNode {}

    /** A number value slot of {@code tokens} positions (digits, one point, a sign), clamped like an integer. */
    record NumberNode(int tokens, java.math.BigDecimal minimum, java.math.BigDecimal maximum) implements SchemaNode {}

    /** {@code true} or {@code false}, chosen by the model's scores. */
    record BooleanNode() implements SchemaNode {}

    /** One of fixed JSON values (enum, const), chosen by the model's scores. */
    record EnumNode(List<JsonElement> values) implements SchemaNode {
        public EnumNode {
            values = List.copyOf(values);
        }
    }

    /** Only {@code null}. */
    record NullNode() implements SchemaNode {}

    /** Either {@code null} or a value of {@code inner}, chosen by the model's scores. */
    record NullableNode(SchemaNode inner) implements SchemaNode {}

    /** Up to {@code maxItems} items; items from {@code minItems} on may be absent (chosen by the model). */
    record ArrayNode(SchemaNode items, int minItems, int maxItems) implements SchemaNode {}
}
