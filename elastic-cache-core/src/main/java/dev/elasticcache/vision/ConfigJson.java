package dev.elasticcache.vision;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;

/** Typed reads of config.json values; errors name the key. */
final class ConfigJson {

    private ConfigJson() {
    }

    static boolean present(JsonObject o, String key) {
        return o != null && o.has(key) && !o.get(key).isJsonNull();
    }

    static int optInt(JsonObject o, String key, int def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            BigDecimal v = e.getAsBigDecimal();
            if (v.stripTrailingZeros().scale() <= 0 && v.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return v.intValue();
            }
        }
        throw new IllegalArgumentException("key \"" + key + "\" must be an integer, got " + e);
    }

    static double optDouble(JsonObject o, String key, double def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        throw new IllegalArgumentException("key \"" + key + "\" must be a number, got " + e);
    }

    static String optString(JsonObject o, String key, String def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw new IllegalArgumentException("key \"" + key + "\" must be a string, got " + e);
    }
}
