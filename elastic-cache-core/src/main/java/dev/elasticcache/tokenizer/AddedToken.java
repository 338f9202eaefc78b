package dev.elasticcache.tokenizer;

import com.google.gson.JsonObject;
import java.util.Objects;

/**
 * A token the tokenizer matches in text before BPE, as Hugging Face lists it ({@code added_tokens} of
 * tokenizer.json, {@code added_tokens_decoder} of tokenizer_config.json).
 *
 * @param id the token id
 * @param content the token's text, e.g. {@code <|im_start|>}
 * @param special special tokens are skipped when decoding with special tokens skipped
 * @param lstrip swallow whitespace on the left
 * @param rstrip swallow whitespace on the right
 * @param normalized match in the normalised text (false: in the raw text)
 * @param singleWord match only as a whole word
 */
public record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean normalized,
                         boolean singleWord) {

    public AddedToken {
        Objects.requireNonNull(content, "content");
    }

    /** A special token matched in the raw text, with no stripping: how Qwen2/Dream declare theirs. */
    public static AddedToken special(int id, String content) {
        return new AddedToken(id, content, true, false, false, false, false);
    }

    /** The {@code added_tokens} entry of a tokenizer.json. */
    public JsonObject toJson() {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", singleWord);
        t.addProperty("lstrip", lstrip);
        t.addProperty("rstrip", rstrip);
        t.addProperty("normalized", normalized);
        t.addProperty("special", special);
        return t;
    }
}
