package dev.elasticcache.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.math.BigDecimal;

/**
 * Typed reads of config.json keys shared by the model configs. Every failure is an
 * {@link IllegalArgumentException} naming the key; the config classes add the file. A key holding JSON
 * {@code null} counts as absent.
 */
final class ConfigJson {

    private ConfigJson() {
    }

    static boolean present(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull();
    }

    static int requiredInt(JsonObject o, String key) {
        if (!present(o, key)) {
            throw new IllegalArgumentException("missing required key \"" + key + "\"");
        }
        return optInt(o, key, 0);
    }

    static int optInt(JsonObject o, String key, int def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            BigDecimal v = e.getAsBigDecimal();
            try {
                return v.intValueExact();
            } catch (ArithmeticException ex) {
                // fall through: decimals like 4096.0 are accepted when integral
                if (v.stripTrailingZeros().scale() <= 0 && v.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                    return v.intValue();
                }
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

    static boolean optBool(JsonObject o, String key, boolean def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw new IllegalArgumentException("key \"" + key + "\" must be true or false, got " + e);
    }

}
