package dev.elasticcache.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Typed reads of config.json keys shared by the model and vision configs. Every failure is an
 * {@link IllegalArgumentException} naming the key; the config classes add the file. A key holding JSON
 * {@code null} counts as absent.
 */
public final class ConfigJson {

    private ConfigJson() {
    }

    /**
     * Reads a config file ({@code config.json}, {@code generation_config.json}) as a JSON object; every failure is a
     * {@link CheckpointException} naming the file.
     *
     * @param folderKind what needs the file, for the message of a missing one (e.g. "a LLaDA model folder")
     */
    public static JsonObject readObject(Path file, String folderKind) {
        String name = String.valueOf(file.getFileName());
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": " + name + " does not exist; " + folderKind + " needs the "
                    + name + " that comes with the checkpoint");
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read " + name + ": " + e, e);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new CheckpointException(file + ": " + name + " is not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!root.isJsonObject()) {
            throw new CheckpointException(file + ": " + name + " must hold a JSON object");
        }
        return root.getAsJsonObject();
    }

    /** Writes {@code o} pretty-printed (nulls kept, as Hugging Face writes config files) to {@code file}. */
    public static void write(Path file, JsonObject o) {
        String json = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o);
        try {
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    public static boolean present(JsonObject o, String key) {
        return o != null && o.has(key) && !o.get(key).isJsonNull();
    }

    public static int requiredInt(JsonObject o, String key) {
        if (!present(o, key)) {
            throw new IllegalArgumentException("missing required key \"" + key + "\"");
        }
        return optInt(o, key, 0);
    }

    public static int optInt(JsonObject o, String key, int def) {
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

    public static double optDouble(JsonObject o, String key, double def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        throw new IllegalArgumentException("key \"" + key + "\" must be a number, got " + e);
    }

    public static boolean optBool(JsonObject o, String key, boolean def) {
        if (!present(o, key)) {
            return def;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw new IllegalArgumentException("key \"" + key + "\" must be true or false, got " + e);
    }

    public static String optString(JsonObject o, String key, String def) {
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
