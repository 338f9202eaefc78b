package dev.elasticcache.structured;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Random;

/**
 * Random JSON Schemas of the supported subset: nested objects, strings with bounds, integers, numbers, booleans,
 * enums and consts, arrays with bounds, nullables in all three spellings, and $defs with $ref.
 */
public final class RandomSchemas {
    private final Random random;
    private JsonObject defs;
    private int definitions;

    public RandomSchemas(long seed) {
        this.random = new Random(seed);
    }

    /** A random object schema. */
    public JsonObject next() {
        defs = new JsonObject();
        JsonObject root = object(0);
        if (defs.size() > 0) {
            root.add("$defs", defs);
        }
        if (random.nextInt(3) == 0) {
            root.addProperty("$schema", "https://json-schema.org/draft/2020-12/schema");
        }
        return root;
    }

    private JsonObject object(int depth) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "object");
        JsonObject props = new JsonObject();
        JsonArray required = new JsonArray();
        int n = 1 + random.nextInt(depth == 0 ? 4 : 3);
        for (int i = 0; i < n; i++) {
            String name = "p" + i + (random.nextBoolean() ? "_x" : "");
            props.add(name, value(depth + 1));
            if (random.nextBoolean()) {
                required.add(name);
            }
        }
        o.add("properties", props);
        o.add("required", required);
        if (random.nextBoolean()) {
            o.addProperty("additionalProperties", false);
        }
        return o;
    }

    private JsonObject value(int depth) {
        int kind = random.nextInt(depth >= 3 ? 6 : 9);
        JsonObject v = switch (kind) {
            case 0 -> string();
            case 1 -> typed("integer");
            case 2 -> typed("number");
            case 3 -> typed("boolean");
            case 4 -> enumeration();
            case 5 -> random.nextBoolean() ? string() : typed("integer");
            case 6 -> object(depth);
            case 7 -> array(depth);
            default -> reference(depth);
        };
        if (random.nextInt(5) == 0) {
            v = nullable(v);
        }
        if (random.nextInt(4) == 0) {
            v.addProperty("description", "field " + random.nextInt(100));
        }
        return v;
    }

    private JsonObject typed(String type) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        if (type.equals("integer") && random.nextInt(4) == 0) {
            o.addProperty("format", random.nextBoolean() ? "int32" : "int64");
        }
        if ((type.equals("integer") || type.equals("number")) && random.nextInt(4) == 0) {
            int min = random.nextInt(200) - 100;
            o.addProperty("minimum", min);
            if (random.nextBoolean()) {
                o.addProperty("maximum", min + random.nextInt(50));
            }
        }
        if (type.equals("integer") && random.nextInt(6) == 0) {
            o.addProperty("exclusiveMaximum", 1000);
        }
        return o;
    }

    private JsonObject string() {
        JsonObject o = typed("string");
        int min = random.nextInt(4) == 0 ? random.nextInt(4) : 0;
        if (min > 0) {
            o.addProperty("minLength", min);
        }
        if (random.nextBoolean()) {
            o.addProperty("maxLength", Math.max(min, 1) + random.nextInt(8));
        }
        return o;
    }

    private JsonObject enumeration() {
        JsonObject o = new JsonObject();
        if (random.nextInt(5) == 0) {
            o.addProperty("const", "k" + random.nextInt(10));
            return o;
        }
        JsonArray values = new JsonArray();
        int n = 1 + random.nextInt(4);
        boolean strings = random.nextInt(4) > 0;
        for (int i = 0; i < n; i++) {
            values.add(strings ? new JsonPrimitive("v" + i + (i % 2 == 0 ? "" : " long")) : new JsonPrimitive(i * 7 - 3));
        }
        if (strings) {
            o.addProperty("type", "string");
        }
        o.add("enum", values);
        return o;
    }

    private JsonObject array(int depth) {
        JsonObject o = typed("array");
        o.add("items", value(depth + 1));
        int max = 1 + random.nextInt(3);
        if (random.nextInt(3) > 0) {
            o.addProperty("maxItems", max);
        }
        if (random.nextInt(3) == 0) {
            o.addProperty("minItems", random.nextInt(2));
        }
        return o;
    }

    private JsonObject reference(int depth) {
        String name = "D" + definitions++;
        defs.add(name, random.nextBoolean() ? object(depth) : string());
        JsonObject o = new JsonObject();
        o.addProperty("$ref", "#/$defs/" + name);
        return o;
    }

    private JsonObject nullable(JsonObject v) {
        if (v.has("$ref") || v.has("enum") || v.has("const") || random.nextBoolean()) {
            JsonObject o = new JsonObject();
            JsonArray any = new JsonArray();
            any.add(v);
            JsonObject nul = new JsonObject();
            nul.addProperty("type", "null");
            any.add(nul);
            o.add(random.nextBoolean() ? "anyOf" : "oneOf", any);
            return o;
        }
        JsonArray types = new JsonArray();
        types.add(v.get("type"));
        types.add("null");
        v.add("type", types);
        return v;
    }
}
