package dev.elasticcache.tokenizer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny Qwen2/Dream-style byte-level BPE written by hand: the 256 byte symbols (ids 0..255, GPT-2 order,
 * see {@link TinyTokenizerFiles#byteToId}), eleven merges (ids 256..266) and Dream's five added tokens
 * (267..271). Written either as the slow files Dream ships (vocab.json, merges.txt, tokenizer_config.json)
 * or as a tokenizer.json in the layout of Qwen2's fast tokenizer, built here independently of the
 * production converter. A fixture (next to {@link TinyTokenizerFiles}), so that other modules' tests can write
 * a Dream folder too.
 */
public final class DreamTokenizerFiles {

    /** Merges in rank order, as merges.txt lines. */
    static final List<String> MERGES = List.of(
            "h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld", "Ġ Ġ", "1 2");
    static final int HE = 256;
    static final int LL = 257;
    static final int HELLO = 259;
    static final int SPACE_WORLD = 264;
    static final int TWO_SPACES = 265;
    static final int ONE_TWO = 266;
    public static final int ENDOFTEXT = 267;
    public static final int IM_START = 268;
    public static final int IM_END = 269;
    public static final int BEGINOFTEXT = 270;
    public static final int MASK = 271;
    static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|beginoftext|>", "<|mask|>");

    /** Qwen2-Instruct's ChatML template, as its JSON string decodes (default system prompt when there is none). */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
            + "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private DreamTokenizerFiles() {
    }

    static int b(int rawByte) {
        return TinyTokenizerFiles.byteToId(rawByte);
    }

    static JsonObject vocab() {
        JsonObject vocab = new JsonObject();
        for (int id = 0; id < 256; id++) {
            vocab.addProperty(TinyTokenizerFiles.byteSymbol(TinyTokenizerFiles.idToByte(id)), id);
        }
        for (int r = 0; r < MERGES.size(); r++) {
            vocab.addProperty(MERGES.get(r).replace(" ", ""), 256 + r);
        }
        return vocab;
    }

    static JsonObject tokenizerConfig(String chatTemplate) {
        JsonObject o = new JsonObject();
        o.addProperty("add_bos_token", false);
        JsonObject decoder = new JsonObject();
        for (int i = 0; i < SPECIALS.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("content", SPECIALS.get(i));
            t.addProperty("lstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("rstrip", false);
            t.addProperty("single_word", false);
            t.addProperty("special", true);
            decoder.add(String.valueOf(ENDOFTEXT + i), t);
        }
        o.add("added_tokens_decoder", decoder);
        JsonArray extra = new JsonArray();
        SPECIALS.forEach(extra::add);
        o.add("additional_special_tokens", extra);
        o.addProperty("bos_token", "<|beginoftext|>");
        if (chatTemplate != null) {
            o.addProperty("chat_template", chatTemplate);
        }
        o.addProperty("clean_up_tokenization_spaces", false);
        o.addProperty("eos_token", "<|endoftext|>");
        o.addProperty("errors", "replace");
        o.addProperty("model_max_length", 131072);
        o.addProperty("pad_token", "<|endoftext|>");
        o.addProperty("split_special_tokens", false);
        o.addProperty("tokenizer_class", "DreamTokenizer");
        o.add("unk_token", JsonNull.INSTANCE);
        return o;
    }

    /** vocab.json, merges.txt and tokenizer_config.json, as Dream's hub folder has them (no tokenizer.json). */
    public static Path writeSlowFiles(Path folder, String chatTemplate) throws IOException {
        Files.createDirectories(folder);
        var gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
        Files.writeString(folder.resolve("vocab.json"), gson.toJson(vocab()), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        lines.add("#version: 0.2");
        lines.addAll(MERGES);
        Files.write(folder.resolve("merges.txt"), lines, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("tokenizer_config.json"), gson.toJson(tokenizerConfig(chatTemplate)),
                StandardCharsets.UTF_8);
        return folder;
    }

    /** A tokenizer.json in Qwen2's fast-tokenizer layout (merges as [left, right] pairs), plus tokenizer_config.json. */
    public static Path writeTokenizerJson(Path folder, String chatTemplate) throws IOException {
        Files.createDirectories(folder);
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < SPECIALS.size(); i++) {
            added.append(i == 0 ? "" : ",\n    ").append("{\"id\": ").append(ENDOFTEXT + i).append(", \"content\": \"")
                    .append(SPECIALS.get(i)).append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false,"
                            + " \"normalized\": false, \"special\": true}");
        }
        JsonArray merges = new JsonArray();
        for (String m : MERGES) {
            JsonArray pair = new JsonArray();
            pair.add(m.split(" ")[0]);
            pair.add(m.split(" ")[1]);
            merges.add(pair);
        }
        var gson = new GsonBuilder().disableHtmlEscaping().create();
        String json = """
                {
                  "version": "1.0",
                  "truncation": null,
                  "padding": null,
                  "added_tokens": [
                    %s
                  ],
                  "normalizer": {"type": "NFC"},
                  "pre_tokenizer": {
                    "type": "Sequence",
                    "pretokenizers": [
                      {"type": "Split",
                       "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+"},
                       "behavior": "Isolated", "invert": false},
                      {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}
                    ]
                  },
                  "post_processor": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false},
                  "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false},
                  "model": {
                    "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                    "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                    "vocab": %s,
                    "merges": %s
                  }
                }
                """.formatted(added, gson.toJson(vocab()), gson.toJson(merges));
        Files.writeString(folder.resolve("tokenizer.json"), json, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("tokenizer_config.json"),
                new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
                        .toJson(tokenizerConfig(chatTemplate)), StandardCharsets.UTF_8);
        return folder;
    }
}
