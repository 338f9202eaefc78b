package dev.elasticcache.tokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.elasticcache.checkpoint.CheckpointException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a tokenizer needs from a (large) tokenizer.json without building a tree of its vocabulary: the added
 * tokens and the number of ids.
 */
final class TokenizerJsonScan {
    final List<AddedToken> added = new ArrayList<>();
    int maxId = -1;

    int vocabSize() {
        return maxId + 1;
    }

    static TokenizerJsonScan of(Path tokenizerJson) {
        TokenizerJsonScan scan = new TokenizerJsonScan();
        try (Reader r = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8); JsonReader in = new JsonReader(r)) {
            in.beginObject();
            while (in.hasNext()) {
                String key = in.nextName();
                if ("added_tokens".equals(key) && in.peek() == JsonToken.BEGIN_ARRAY) {
                    in.beginArray();
                    while (in.hasNext()) {
                        JsonObject t = JsonParser.parseReader(in).getAsJsonObject();
                        AddedToken token = new AddedToken(t.get("id").getAsInt(), t.get("content").getAsString(),
                                flag(t, "special"), flag(t, "lstrip"), flag(t, "rstrip"), flag(t, "normalized"),
                                flag(t, "single_word"));
                        scan.added.add(token);
                        scan.maxId = Math.max(scan.maxId, token.id());
                    }
                    in.endArray();
                } else if ("model".equals(key) && in.peek() == JsonToken.BEGIN_OBJECT) {
                    in.beginObject();
                    while (in.hasNext()) {
                        String mk = in.nextName();
                        if ("vocab".equals(mk) && in.peek() == JsonToken.BEGIN_OBJECT) {
                            in.beginObject();
                            while (in.hasNext()) {
                                in.nextName();
                                scan.maxId = Math.max(scan.maxId, in.nextInt());
                            }
                            in.endObject();
                        } else {
                            in.skipValue();
                        }
                    }
                    in.endObject();
                } else {
                    in.skipValue();
                }
            }
            in.endObject();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(tokenizerJson + ": cannot parse tokenizer.json (" + e.getMessage()
                    + "); the file is corrupt or not a Hugging Face tokenizer.json", e);
        }
        return scan;
    }

    private static boolean flag(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() && o.get(key).getAsBoolean();
    }
}
