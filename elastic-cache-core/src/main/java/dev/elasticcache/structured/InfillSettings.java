package dev.elasticcache.structured;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TokenText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a model was taught to fill slots, read from its folder's {@code generation_config.json}:
 * {@code infill_filler_token_id} (default: the EOS id, LLaDA's own answer padding) and {@code infill_alignment}
 * ({@code left}, the default, or {@code right}). Other keys of the file are left alone.
 *
 * @param fillerTokenId the filler id, or -1 for the tokenizer's EOS
 * @param alignment where values sit in their slots
 */
public record InfillSettings(int fillerTokenId, Alignment alignment) {
    public static final String FILE = "generation_config.json";
    public static final InfillSettings DEFAULTS = new InfillSettings(-1, Alignment.LEFT);

    /** The settings of {@code folder} (the defaults when it has no generation_config.json or no infill keys). */
    public static InfillSettings read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return DEFAULTS;
        }
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException(file + " must hold a JSON object");
            }
            JsonObject o = parsed.getAsJsonObject();
            int filler = o.has("infill_filler_token_id") ? o.get("infill_filler_token_id").getAsInt() : -1;
            Alignment alignment = o.has("infill_alignment") ? Alignment.parse(o.get("infill_alignment").getAsString())
                    : Alignment.LEFT;
            return new InfillSettings(filler, alignment);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": invalid infill settings (" + e.getMessage()
                    + "); expected {\"infill_filler_token_id\": <id>, \"infill_alignment\": \"left\"|\"right\"}", e);
        }
    }

    /** Writes the settings as {@code generation_config.json} into {@code folder}. */
    public void write(Path folder) {
        JsonObject o = new JsonObject();
        if (fillerTokenId >= 0) {
            o.addProperty("infill_filler_token_id", fillerTokenId);
        }
        o.addProperty("infill_alignment", alignment.name().toLowerCase(java.util.Locale.ROOT));
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(FILE), new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot write " + FILE + ": " + e.getMessage(), e);
        }
    }

    /** The canvas format of these settings over {@code tokenizer}. */
    public InfillFormat format(LladaTokenizer tokenizer) {
        return format(tokenizer, tokenizer.eosTokenId(), tokenizer.maskTokenId());
    }

    /** The canvas format over any tokenizer: the filler is the configured id, else EOS. */
    public InfillFormat format(TokenText text, int eosTokenId, int maskTokenId) {
        return new InfillFormat(text, fillerTokenId >= 0 ? fillerTokenId : eosTokenId, maskTokenId, alignment);
    }

    /** The settings of the models this project trains: the NUL byte as filler, values right-aligned. */
    public static InfillSettings tinyModels() {
        return new InfillSettings(dev.elasticcache.tokenizer.TinyTokenizerFiles.FILLER_ID, Alignment.RIGHT);
    }
}
