package dev.elasticcache.structured;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.elasticcache.structured.SchemaNode.ArrayNode;
import dev.elasticcache.structured.SchemaNode.BooleanNode;
import dev.elasticcache.structured.SchemaNode.EnumNode;
import dev.elasticcache.structured.SchemaNode.IntegerNode;
import dev.elasticcache.structured.SchemaNode.NullNode;
import dev.elasticcache.structured.SchemaNode.NullableNode;
import dev.elasticcache.structured.SchemaNode.NumberNode;
import dev.elasticcache.structured.SchemaNode.ObjectNode;
import dev.elasticcache.structured.SchemaNode.Property;
import dev.elasticcache.structured.SchemaNode.StringNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles JSON Schema text of the supported subset into a {@link SchemaNode} tree: objects (nested, with
 * {@code $defs}/{@code definitions} and {@code $ref} without recursion), strings ({@code minLength},
 * {@code maxLength}), integers, numbers, booleans, {@code enum}/{@code const}, arrays ({@code items},
 * {@code minItems}, {@code maxItems}) and nullables ({@code type: [T, "null"]}, {@code anyOf}/{@code oneOf} of T
 * and null, OpenAPI's {@code nullable: true}). Annotations (title, description, default, examples, ...) are
 * ignored. Any other keyword fails at once with its name and location: nothing unchecked gets through.
 */
public final class JsonSchemaCompiler {

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
            "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "nullable");
    private static final Map<String, Set<String>> KEYWORDS = Map.of(
            "object", Set.of("type", "properties", "required", "additionalProperties"),
            "string", Set.of("type", "minLength", "maxLength"),
            "integer", Set.of("type", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"),
            "number", Set.of("type", "format", "minimum", "maximum"),
            "boolean", Set.of("type"),
            "null", Set.of("type"),
            "array", Set.of("type", "items", "minItems", "maxItems"));
    private static final Set<String> NUMBER_FORMATS = Set.of("int32", "int64", "float", "double");

    /** Compiled schemas kept, by text. */
    static final int MEMO_SIZE = 256;
    private final InfillLimits limits;
    private final Map<String, SchemaNode> compiled = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SchemaNode> eldest) {
            return size() > MEMO_SIZE;
        }
    });

    public JsonSchemaCompiler(InfillLimits limits) {
        this.limits = limits;
    }

    public JsonSchemaCompiler() {
        this(InfillLimits.DEFAULTS);
    }

    /**
     * Compiles schema text; fails with {@link IllegalArgumentException} naming the problem and the fix. The trees are
     * immutable, so the last {@value #MEMO_SIZE} are kept: a request renders its tools' signatures and lays out their
     * call canvases from one compilation, and a tool loop that sends the same tools every round compiles them once.
     */
    public SchemaNode compile(String schemaText) {
        SchemaNode known = schemaText == null ? null : compiled.get(schemaText);
        if (known != null) {
            return known;
        }
        SchemaNode node = compileText(schemaText);
        compiled.put(schemaText, node);
        return node;
    }

    private SchemaNode compileText(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new IllegalArgumentException("the output schema is empty; pass a JSON Schema object");
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(schemaText);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the output schema is not valid JSON (" + rootCause(e) + ")");
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException("the output schema must be a JSON object, got: " + abbreviate(parsed.toString()));
        }
        return new Context(parsed.getAsJsonObject()).node(parsed.getAsJsonObject(), "$");
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private final class Context {
        private final JsonObject root;
        private final Deque<String> refs = new ArrayDeque<>();

        Context(JsonObject root) {
            this.root = root;
        }

        SchemaNode node(JsonObject schema, String path) {
            if (schema.has("$ref")) {
                return ref(schema, path);
            }
            SchemaNode node = bare(schema, path);
            boolean openApiNullable = schema.has("nullable") && schema.get("nullable").isJsonPrimitive()
                    && schema.get("nullable").getAsBoolean();
            return openApiNullable && !(node instanceof NullableNode) ? new NullableNode(node) : node;
        }

        private SchemaNode ref(JsonObject schema, String path) {
            for (String key : schema.keySet()) {
                if (!key.equals("$ref") && !ANNOTATIONS.contains(key)) {
                    throw unsupported(key, path, "next to $ref");
                }
            }
            String ref = string(schema, "$ref", path);
            String[] parts = ref.split("/");
            if (parts.length != 3 || !parts[0].equals("#") || !(parts[1].equals("$defs") || parts[1].equals("definitions"))) {
                throw new IllegalArgumentException("unsupported $ref '" + ref + "' at " + path
                        + ": only local references #/$defs/NAME or #/definitions/NAME are supported");
            }
            if (refs.contains(ref)) {
                throw new IllegalArgumentException("recursive $ref '" + ref + "' at " + path
                        + " is not supported: the canvas must have a fixed size; unroll the recursion to a fixed depth");
            }
            JsonElement defs = root.get(parts[1]);
            JsonElement target = defs != null && defs.isJsonObject() ? defs.getAsJsonObject().get(parts[2]) : null;
            if (target == null || !target.isJsonObject()) {
                throw new IllegalArgumentException("$ref '" + ref + "' at " + path + " points to no schema; define "
                        + parts[1] + "." + parts[2]);
            }
            refs.push(ref);
            try {
                return node(target.getAsJsonObject(), ref);
            } finally {
                refs.pop();
            }
        }

        private SchemaNode bare(JsonObject schema, String path) {
            if (schema.has("enum") || schema.has("const")) {
                return enumeration(schema, path);
            }
            for (String combinator : List.of("anyOf", "oneOf")) {
                if (schema.has(combinator)) {
                    return nullableUnion(schema, combinator, path);
                }
            }
            JsonElement type = schema.get("type");
            if (type == null) {
                if (schema.has("properties")) {
                    return typed(schema, "object", path);
                }
                if (schema.has("items")) {
                    return typed(schema, "array", path);
                }
                throw new IllegalArgumentException("schema at " + path + " has no type; add \"type\" (object, string, "
                        + "integer, number, boolean, array or null)");
            }
            if (type.isJsonArray()) {
                List<String> types = new ArrayList<>();
                for (JsonElement t : type.getAsJsonArray()) {
                    types.add(t.getAsString());
                }
                boolean nullable = types.remove("null");
                if (types.size() > 1) {
                    throw new IllegalArgumentException("type " + type + " at " + path
                            + " is not supported: use one type, optionally with \"null\"");
                }
                if (types.isEmpty()) {
                    return typed(schema, "null", path);
                }
                SchemaNode inner = typed(schema, types.get(0), path);
                return nullable ? new NullableNode(inner) : inner;
            }
            return typed(schema, type.getAsString(), path);
        }

        private SchemaNode enumeration(JsonObject schema, String path) {
            for (String key : schema.keySet()) {
                if (!key.equals("enum") && !key.equals("const") && !key.equals("type") && !ANNOTATIONS.contains(key)) {
                    throw unsupported(key, path, "next to enum/const");
                }
            }
            List<JsonElement> values = new ArrayList<>();
            if (schema.has("const")) {
                values.add(schema.get("const"));
            } else {
                JsonElement e = schema.get("enum");
                if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
                    throw new IllegalArgumentException("enum at " + path + " must be a non-empty array");
                }
                for (JsonElement v : e.getAsJsonArray()) {
                    if (!values.contains(v)) {
                        values.add(v);
                    }
                }
            }
            return new EnumNode(values);
        }

        private SchemaNode nullableUnion(JsonObject schema, String combinator, String path) {
            JsonArray options = schema.get(combinator).isJsonArray() ? schema.getAsJsonArray(combinator) : new JsonArray();
            List<JsonObject> nonNull = new ArrayList<>();
            boolean hasNull = false;
            for (JsonElement o : options) {
                if (!o.isJsonObject()) {
                    throw new IllegalArgumentException(combinator + " at " + path + " must list schema objects");
                }
                JsonObject option = o.getAsJsonObject();
                if (option.has("type") && option.get("type").isJsonPrimitive() && option.get("type").getAsString().equals("null")) {
                    hasNull = true;
                } else {
                    nonNull.add(option);
                }
            }
            if (!hasNull || nonNull.size() != 1) {
                throw new IllegalArgumentException(combinator + " at " + path + " is supported only as one schema or null "
                        + "(a nullable value); found " + options.size() + " alternatives");
            }
            for (String key : schema.keySet()) {
                if (!key.equals(combinator) && !ANNOTATIONS.contains(key)) {
                    throw unsupported(key, path, "next to " + combinator);
                }
            }
            return new NullableNode(node(nonNull.get(0), path + "." + combinator));
        }

        private SchemaNode typed(JsonObject schema, String type, String path) {
            Set<String> allowed = KEYWORDS.get(type);
            if (allowed == null) {
                throw new IllegalArgumentException("type '" + type + "' at " + path + " is not a JSON Schema type; use one of "
                        + KEYWORDS.keySet());
            }
            for (String key : schema.keySet()) {
                if (!allowed.contains(key) && !ANNOTATIONS.contains(key)) {
                    throw unsupported(key, path, "for type " + type);
                }
            }
            return switch (type) {
                case "object" -> object(schema, path);
                case "string" -> string(schema, path);
                case "integer" -> integer(schema, path);
                case "number" -> {
                    format(schema, path);
                    java.math.BigDecimal min = decimal(schema, "minimum", path);
                    java.math.BigDecimal max = decimal(schema, "maximum", path);
                    if (min != null && max != null && min.compareTo(max) > 0) {
                        throw new IllegalArgumentException("minimum " + min + " > maximum " + max + " at " + path);
                    }
                    yield new NumberNode(limits.numberTokens(), min, max);
                }
                case "boolean" -> new BooleanNode();
                case "null" -> new NullNode();
                default -> array(schema, path);
            };
        }

        /** An integer slot of the default width; a format's range and the bounds clamp its value. */
        private SchemaNode integer(JsonObject schema, String path) {
            String format = format(schema, path);
            java.math.BigInteger min = "int32".equals(format) ? java.math.BigInteger.valueOf(Integer.MIN_VALUE)
                    : "int64".equals(format) ? java.math.BigInteger.valueOf(Long.MIN_VALUE) : null;
            java.math.BigInteger max = "int32".equals(format) ? java.math.BigInteger.valueOf(Integer.MAX_VALUE)
                    : "int64".equals(format) ? java.math.BigInteger.valueOf(Long.MAX_VALUE) : null;
            min = tighter(min, bound(schema, "minimum", "exclusiveMinimum", path, true), true);
            max = tighter(max, bound(schema, "maximum", "exclusiveMaximum", path, false), false);
            if (min != null && max != null && min.compareTo(max) > 0) {
                throw new IllegalArgumentException("no integer lies between minimum " + min + " and maximum " + max + " at "
                        + path);
            }
            return new IntegerNode(limits.integerTokens(), min, max);
        }

        private java.math.BigInteger bound(JsonObject schema, String inclusive, String exclusive, String path, boolean lower) {
            java.math.BigInteger out = null;
            java.math.BigDecimal in = decimal(schema, inclusive, path);
            if (in != null) {
                out = lower ? in.setScale(0, java.math.RoundingMode.CEILING).toBigIntegerExact()
                        : in.setScale(0, java.math.RoundingMode.FLOOR).toBigIntegerExact();
            }
            java.math.BigDecimal ex = decimal(schema, exclusive, path);
            if (ex != null) {
                java.math.BigInteger e = lower ? ex.setScale(0, java.math.RoundingMode.FLOOR).toBigIntegerExact().add(java.math.BigInteger.ONE)
                        : ex.setScale(0, java.math.RoundingMode.CEILING).toBigIntegerExact().subtract(java.math.BigInteger.ONE);
                out = tighter(out, e, lower);
            }
            return out;
        }

        private java.math.BigInteger tighter(java.math.BigInteger a, java.math.BigInteger b, boolean lower) {
            if (a == null || b == null) {
                return a == null ? b : a;
            }
            return lower ? a.max(b) : a.min(b);
        }

        private java.math.BigDecimal decimal(JsonObject schema, String key, String path) {
            if (!schema.has(key)) {
                return null;
            }
            JsonElement e = schema.get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException(key + " at " + path + " must be a number, got " + e);
            }
            return e.getAsBigDecimal();
        }

        private String format(JsonObject schema, String path) {
            if (!schema.has("format")) {
                return null;
            }
            String format = string(schema, "format", path);
            if (!NUMBER_FORMATS.contains(format)) {
                throw new IllegalArgumentException("format '" + format + "' at " + path + " is not supported; numbers take "
                        + NUMBER_FORMATS);
            }
            return format;
        }

        private SchemaNode object(JsonObject schema, String path) {
            List<Property> properties = new ArrayList<>();
            JsonElement props = schema.get("properties");
            if (props != null) {
                if (!props.isJsonObject()) {
                    throw new IllegalArgumentException("properties at " + path + " must be an object");
                }
                for (Map.Entry<String, JsonElement> e : props.getAsJsonObject().entrySet()) {
                    if (!e.getValue().isJsonObject()) {
                        throw new IllegalArgumentException("property '" + e.getKey() + "' at " + path
                                + " must be a schema object");
                    }
                    properties.add(new Property(e.getKey(), node(e.getValue().getAsJsonObject(), path + "." + e.getKey())));
                }
            }
            return new ObjectNode(properties);
        }

        private SchemaNode string(JsonObject schema, String path) {
            int min = nonNegative(schema, "minLength", 0, path);
            int max = nonNegative(schema, "maxLength", -1, path);
            if (max >= 0 && min > max) {
                throw new IllegalArgumentException("minLength " + min + " > maxLength " + max + " at " + path);
            }
            int tokens = max >= 0 ? Math.min(max, limits.maxSlotTokens()) : Math.max(limits.stringTokens(), min);
            if (min > tokens) {
                throw new IllegalArgumentException("minLength " + min + " at " + path + " exceeds the slot limit of "
                        + limits.maxSlotTokens() + " tokens; lower minLength");
            }
            return new StringNode(min, max, tokens);
        }

        private SchemaNode array(JsonObject schema, String path) {
            JsonElement items = schema.get("items");
            if (items == null || !items.isJsonObject()) {
                throw new IllegalArgumentException("array at " + path + " needs \"items\" with one schema object");
            }
            int min = nonNegative(schema, "minItems", 0, path);
            int max = nonNegative(schema, "maxItems", -1, path);
            int bound = max >= 0 ? max : Math.max(limits.arrayItems(), min);
            if (min > bound) {
                throw new IllegalArgumentException("minItems " + min + " > maxItems " + bound + " at " + path);
            }
            return new ArrayNode(node(items.getAsJsonObject(), path + "[]"), min, bound);
        }

        private int nonNegative(JsonObject schema, String key, int absent, String path) {
            if (!schema.has(key)) {
                return absent;
            }
            JsonElement e = schema.get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() < 0
                    || e.getAsDouble() != Math.rint(e.getAsDouble())) {
                throw new IllegalArgumentException(key + " at " + path + " must be a non-negative integer, got " + e);
            }
            return (int) Math.min(Integer.MAX_VALUE, e.getAsLong());
        }

        private String string(JsonObject schema, String key, String path) {
            JsonElement e = schema.get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new IllegalArgumentException(key + " at " + path + " must be a string, got " + e);
            }
            return e.getAsString();
        }

        private IllegalArgumentException unsupported(String key, String path, String where) {
            return new IllegalArgumentException("unsupported JSON Schema keyword '" + key + "' at " + path + " (" + where
                    + "); supported: type, properties, required, additionalProperties, items, minItems, maxItems, "
                    + "minLength, maxLength, minimum, maximum, enum, const, anyOf/oneOf with null, $ref to $defs, numeric format");
        }
    }
}
