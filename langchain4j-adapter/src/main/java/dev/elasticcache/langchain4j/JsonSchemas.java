package dev.elasticcache.langchain4j;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes LangChain4j's {@link JsonSchemaElement} trees as JSON Schema text for the engine's schema compiler.
 *
 * <p>LangChain4j 1.19 has a converter of its own only in {@code dev.langchain4j.internal} (not public API), hence
 * this one. The mapping is the one LangChain4j's providers send: object ({@code properties} in insertion order,
 * {@code required}, {@code additionalProperties}), string, integer, number, boolean, null, enum (string values),
 * array ({@code items}), {@code anyOf}, references as {@code {"$ref": "#/$defs/NAME"}} and an object's
 * {@code definitions} as {@code $defs}. Definitions of nested objects are moved to the root, where the compiler
 * resolves references. Descriptions are kept (the tool prompt shows them). A {@link JsonRawSchema} is parsed and
 * used as is. The compiler then decides what it supports and names anything else (for example an {@code anyOf}
 * of two non-null alternatives).
 */
final class JsonSchemas {

    private JsonSchemas() {}

    /**
     * The JSON Schema text of {@code root}: a raw schema's own text, else the converted tree.
     *
     * @throws IllegalArgumentException for raw text that is not JSON, an element type this converter does not
     *     know, or two different definitions under one name
     */
    static String toJson(JsonSchemaElement root) {
        if (root instanceof JsonRawSchema raw) {
            parseRaw(raw); // fail on text that is not JSON here, with the element named
            return raw.schema();
        }
        Map<String, JsonElement> definitions = new LinkedHashMap<>();
        JsonElement schema = convert(root, definitions, "$");
        if (!definitions.isEmpty() && schema.isJsonObject()) {
            JsonObject defs = new JsonObject();
            definitions.forEach(defs::add);
            schema.getAsJsonObject().add("$defs", defs);
        }
        return schema.toString();
    }

    private static JsonElement convert(JsonSchemaElement element, Map<String, JsonElement> definitions, String path) {
        if (element == null) {
            throw new IllegalArgumentException("the JSON schema has no element at " + path + "; give every property a schema");
        }
        if (element instanceof JsonRawSchema raw) {
            return parseRaw(raw);
        }
        JsonObject out = new JsonObject();
        if (element instanceof JsonObjectSchema object) {
            out.addProperty("type", "object");
            describe(out, element);
            JsonObject properties = new JsonObject();
            if (object.properties() != null) {
                for (Map.Entry<String, JsonSchemaElement> p : object.properties().entrySet()) {
                    properties.add(p.getKey(), convert(p.getValue(), definitions, path + "." + p.getKey()));
                }
            }
            out.add("properties", properties);
            if (object.required() != null && !object.required().isEmpty()) {
                out.add("required", strings(object.required()));
            }
            if (object.additionalProperties() != null) {
                out.addProperty("additionalProperties", object.additionalProperties());
            }
            if (object.definitions() != null) {
                for (Map.Entry<String, JsonSchemaElement> d : object.definitions().entrySet()) {
                    define(definitions, d.getKey(), convert(d.getValue(), definitions, "$defs." + d.getKey()));
                }
            }
        } else if (element instanceof JsonStringSchema) {
            out.addProperty("type", "string");
            describe(out, element);
        } else if (element instanceof JsonIntegerSchema) {
            out.addProperty("type", "integer");
            describe(out, element);
        } else if (element instanceof JsonNumberSchema) {
            out.addProperty("type", "number");
            describe(out, element);
        } else if (element instanceof JsonBooleanSchema) {
            out.addProperty("type", "boolean");
            describe(out, element);
        } else if (element instanceof JsonNullSchema) {
            out.addProperty("type", "null");
        } else if (element instanceof JsonEnumSchema e) {
            out.addProperty("type", "string");
            describe(out, element);
            out.add("enum", strings(e.enumValues()));
        } else if (element instanceof JsonArraySchema array) {
            out.addProperty("type", "array");
            describe(out, element);
            out.add("items", convert(array.items(), definitions, path + "[]"));
        } else if (element instanceof JsonAnyOfSchema anyOf) {
            describe(out, element);
            JsonArray options = new JsonArray();
            List<JsonSchemaElement> alternatives = anyOf.anyOf() == null ? List.of() : anyOf.anyOf();
            for (int i = 0; i < alternatives.size(); i++) {
                options.add(convert(alternatives.get(i), definitions, path + ".anyOf[" + i + "]"));
            }
            out.add("anyOf", options);
        } else if (element instanceof JsonReferenceSchema reference) {
            if (reference.reference() == null || reference.reference().isBlank()) {
                throw new IllegalArgumentException("the JSON schema reference at " + path + " names no definition");
            }
            out.addProperty("$ref", "#/$defs/" + reference.reference());
            describe(out, element);
        } else {
            throw new IllegalArgumentException("JSON schema element " + element.getClass().getName() + " at " + path
                    + " is not supported; use LangChain4j's JsonObjectSchema, JsonStringSchema, JsonIntegerSchema,"
                    + " JsonNumberSchema, JsonBooleanSchema, JsonEnumSchema, JsonArraySchema, JsonAnyOfSchema,"
                    + " JsonReferenceSchema, JsonNullSchema or JsonRawSchema");
        }
        return out;
    }

    private static void describe(JsonObject out, JsonSchemaElement element) {
        if (element.description() != null && !element.description().isBlank()) {
            out.addProperty("description", element.description());
        }
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray();
        if (values != null) {
            values.forEach(array::add);
        }
        return array;
    }

    private static void define(Map<String, JsonElement> definitions, String name, JsonElement schema) {
        JsonElement known = definitions.putIfAbsent(name, schema);
        if (known != null && !known.equals(schema)) {
            throw new IllegalArgumentException("two different JSON schema definitions are named '" + name
                    + "'; give them distinct names");
        }
    }

    private static JsonElement parseRaw(JsonRawSchema raw) {
        if (raw.schema() == null || raw.schema().isBlank()) {
            throw new IllegalArgumentException("the JsonRawSchema is empty; pass a JSON Schema object");
        }
        try {
            return JsonParser.parseString(raw.schema());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the JsonRawSchema is not valid JSON: " + e.getMessage(), e);
        }
    }
}
