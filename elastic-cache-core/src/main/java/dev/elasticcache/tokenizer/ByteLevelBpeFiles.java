package dev.elasticcache.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.elasticcache.checkpoint.CheckpointException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns the files of a "slow" Qwen2-style byte-level BPE tokenizer ({@code vocab.json}, {@code merges.txt} and
 * the added tokens of {@code tokenizer_config.json}) into the equivalent Hugging Face {@code tokenizer.json}
 * (what {@code Qwen2TokenizerFast} converts them to): NFC normaliser, the Qwen2 pre-tokenizer regex split
 * ({@value #QWEN2_PRETOKENIZE_REGEX}) followed by the byte-level alphabet, BPE with the merges in rank order, a
 * byte-level decoder. Dream's {@code DreamTokenizer} is this tokenizer.
 */
public final class ByteLevelBpeFiles {

    public static final String VOCAB_FILE = "vocab.json";
    public static final String MERGES_FILE = "merges.txt";
    /** The pre-tokenizer pattern of Qwen2's (and Dream's) tokenizer. */
    public static final String QWEN2_PRETOKENIZE_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private ByteLevelBpeFiles() {
    }

    /**
     * The tokenizer.json object for the given files.
     *
     * @throws CheckpointException naming the file when one is missing or malformed
     */
    public static JsonObject tokenizerJson(Path vocabJson, Path mergesTxt, List<AddedToken> addedTokens) {
        JsonObject vocab = readVocab(vocabJson);
        JsonArray merges = readMerges(mergesTxt, vocab);
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        List<AddedToken> sorted = new ArrayList<>(addedTokens);
        sorted.sort(Comparator.comparingInt(AddedToken::id));
        sorted.forEach(t -> added.add(t.toJson()));
        root.add("added_tokens", added);
        JsonObject nfc = new JsonObject();
        nfc.addProperty("type", "NFC");
        root.add("normalizer", nfc);
        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", QWEN2_PRETOKENIZE_REGEX);
        split.add("pattern", pattern);
        split.addProperty("behavior", "Isolated");
        split.addProperty("invert", false);
        JsonArray pretokenizers = new JsonArray();
        pretokenizers.add(split);
        pretokenizers.add(byteLevel());
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Sequence");
        pre.add("pretokenizers", pretokenizers);
        root.add("pre_tokenizer", pre);
        root.add("post_processor", JsonNull.INSTANCE);
        root.add("decoder", byteLevel());
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", merges);
        root.add("model", model);
        return root;
    }

    private static JsonObject byteLevel() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", false);
        o.addProperty("use_regex", false);
        return o;
    }

    /** vocab.json: an object of piece to id. */
    static JsonObject readVocab(Path vocabJson) {
        if (!Files.isRegularFile(vocabJson)) {
            throw new CheckpointException(vocabJson + ": " + VOCAB_FILE + " does not exist");
        }
        JsonObject vocab = new JsonObject();
        try (Reader r = Files.newBufferedReader(vocabJson, StandardCharsets.UTF_8); JsonReader in = new JsonReader(r)) {
            if (in.peek() != JsonToken.BEGIN_OBJECT) {
                throw new CheckpointException(vocabJson + ": " + VOCAB_FILE + " must hold a JSON object of piece to id");
            }
            in.beginObject();
            while (in.hasNext()) {
                String piece = in.nextName();
                if (in.peek() != JsonToken.NUMBER) {
                    throw new CheckpointException(vocabJson + ": the id of piece '" + piece + "' is not a number");
                }
                vocab.addProperty(piece, in.nextInt());
            }
            in.endObject();
        } catch (IOException | IllegalStateException | NumberFormatException | JsonParseException e) {
            throw new CheckpointException(vocabJson + ": cannot parse " + VOCAB_FILE + " (" + e.getMessage() + ")", e);
        }
        if (vocab.size() == 0) {
            throw new CheckpointException(vocabJson + ": " + VOCAB_FILE + " is empty");
        }
        return vocab;
    }

    /** merges.txt: an optional {@code #version} line, then one "left right" pair per line in rank order. */
    static JsonArray readMerges(Path mergesTxt, JsonObject vocab) {
        if (!Files.isRegularFile(mergesTxt)) {
            throw new CheckpointException(mergesTxt + ": " + MERGES_FILE + " does not exist");
        }
        JsonArray merges = new JsonArray();
        try (BufferedReader r = Files.newBufferedReader(mergesTxt, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                String t = line.strip();
                if (t.isEmpty() || (number == 1 && t.startsWith("#version:"))) {
                    continue;
                }
                String[] parts = t.split("\\s+");
                if (parts.length != 2) {
                    throw new CheckpointException(mergesTxt + ": line " + number + " is not a merge of two pieces: '" + line + "'");
                }
                if (!vocab.has(parts[0] + parts[1])) {
                    throw new CheckpointException(mergesTxt + ": line " + number + " merges '" + parts[0] + "' and '" + parts[1]
                            + "' into '" + parts[0] + parts[1] + "', which " + VOCAB_FILE + " does not have; the files do not belong together");
                }
                merges.add(new JsonPrimitive(parts[0] + " " + parts[1]));
            }
        } catch (IOException e) {
            throw new CheckpointException(mergesTxt + ": cannot read " + MERGES_FILE + ": " + e, e);
        }
        return merges;
    }

    /**
     * The added tokens of a tokenizer_config.json object ({@code added_tokens_decoder}: id to token).
     *
     * @throws CheckpointException naming the file for malformed entries
     */
    public static List<AddedToken> addedTokens(JsonObject tokenizerConfig, Path configPath) {
        List<AddedToken> out = new ArrayList<>();
        JsonElement decoder = tokenizerConfig.get("added_tokens_decoder");
        if (decoder == null || decoder.isJsonNull()) {
            return out;
        }
        if (!decoder.isJsonObject()) {
            throw new CheckpointException(configPath + ": added_tokens_decoder must be an object of id to token");
        }
        for (Map.Entry<String, JsonElement> e : decoder.getAsJsonObject().entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new CheckpointException(configPath + ": added_tokens_decoder key '" + e.getKey() + "' is not a token id");
            }
            if (!e.getValue().isJsonObject() || !e.getValue().getAsJsonObject().has("content")) {
                throw new CheckpointException(configPath + ": added_tokens_decoder entry " + id + " has no 'content'");
            }
            JsonObject t = e.getValue().getAsJsonObject();
            out.add(new AddedToken(id, t.get("content").getAsString(), flag(t, "special", false), flag(t, "lstrip", false),
                    flag(t, "rstrip", false), flag(t, "normalized", false), flag(t, "single_word", false)));
        }
        return out;
    }

    private static boolean flag(JsonObject o, String key, boolean def) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsBoolean();
    }
}
