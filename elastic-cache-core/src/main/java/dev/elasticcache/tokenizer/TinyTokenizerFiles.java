package dev.elasticcache.tokenizer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a tiny byte-level tokenizer in Hugging Face format ({@code tokenizer.json} and
 * {@code tokenizer_config.json}) for small models trained by this project: BPE over the 256 GPT-2
 * byte-level symbols (ids 0..255, in GPT-2's {@code bytes_to_unicode} order, no merges, so every UTF-8
 * byte is one token) followed by LLaDA's special tokens at ids 256..261. Vocabulary size {@value #VOCAB_SIZE}.
 */
public final class TinyTokenizerFiles {

    public static final int BYTE_TOKENS = 256;
    public static final int BOS_ID = 256;
    public static final int EOS_ID = 257;
    public static final int MASK_ID = 258;
    public static final int START_HEADER_ID = 259;
    public static final int END_HEADER_ID = 260;
    public static final int EOT_ID = 261;
    public static final int VOCAB_SIZE = 262;
    /**
     * The infill filler of models trained here: the id of the NUL byte (188: the first of the bytes GPT-2 remaps),
     * which no text uses (see {@code InfillSettings}).
     */
    public static final int FILLER_ID = 188;

    /** Special token strings in id order starting at {@link #BOS_ID}. */
    public static final List<String> SPECIAL_TOKENS = List.of(
            LladaTokenizer.BOS_TOKEN, LladaTokenizer.EOS_TOKEN, LladaTokenizer.MASK_TOKEN,
            ChatTemplate.DEFAULT_START_HEADER, ChatTemplate.DEFAULT_END_HEADER, ChatTemplate.DEFAULT_EOT);

    private static final int[] ORDER = new int[BYTE_TOKENS];      // id -> byte
    private static final int[] ID_OF_BYTE = new int[BYTE_TOKENS]; // byte -> id
    private static final char[] SYMBOL_OF_BYTE = new char[BYTE_TOKENS];

    static {
        // GPT-2 bytes_to_unicode: printable bytes keep their code point, the rest map to 256 + n in byte order;
        // the list order is the printable ranges first, then the remapped bytes.
        int n = 0;
        int id = 0;
        for (int b = 0; b < BYTE_TOKENS; b++) {
            if (isPrintable(b)) {
                ORDER[id++] = b;
                SYMBOL_OF_BYTE[b] = (char) b;
            }
        }
        for (int b = 0; b < BYTE_TOKENS; b++) {
            if (!isPrintable(b)) {
                ORDER[id++] = b;
                SYMBOL_OF_BYTE[b] = (char) (256 + n++);
            }
        }
        for (int i = 0; i < BYTE_TOKENS; i++) {
            ID_OF_BYTE[ORDER[i]] = i;
        }
        if (ID_OF_BYTE[0] != FILLER_ID) {
            throw new AssertionError("NUL byte id " + ID_OF_BYTE[0] + " != FILLER_ID");
        }
    }

    private TinyTokenizerFiles() {
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The token id of a raw byte (0..255). */
    public static int byteToId(int b) {
        return ID_OF_BYTE[b & 0xff];
    }

    /** The raw byte (0..255) of a byte token id (0..255). */
    public static int idToByte(int id) {
        if (id < 0 || id >= BYTE_TOKENS) {
            throw new IllegalArgumentException("not a byte token id: " + id);
        }
        return ORDER[id];
    }

    /** The GPT-2 byte-level symbol of a raw byte. */
    public static String byteSymbol(int b) {
        return String.valueOf(SYMBOL_OF_BYTE[b & 0xff]);
    }

    /**
     * The chat template of the tiny tool model: LLaDA's turns, with the tools rendered compactly, one line per tool,
     * {@code name(param,param)}, under {@code Tools:} at the end of the system turn (a ~1M-parameter model needs
     * only the names; descriptions would make most of its prompt), and calls in an assistant turn written as
     * {@code <tool_call>{"name":...,"arguments":{...}}</tool_call>}.
     */
    public static final String COMPACT_TOOLS_JINJA =
            "{{ bos_token }}"
            + "{% set has_system = messages and messages[0]['role'] == 'system' %}"
            + "{% if has_system or tools %}"
            + "{{ '<|start_header_id|>system<|end_header_id|>\n\n' }}"
            + "{% if has_system %}{{ messages[0]['content'] | trim }}{% if tools %}{{ '\n\n' }}{% endif %}{% endif %}"
            + "{% if tools %}{{ 'Tools:' }}"
            + "{% for tool in tools %}{{ '\n' + tool['function']['name'] + '(' }}"
            + "{% for name in tool['function']['parameters']['properties'].keys() %}"
            + "{% if not loop.first %}{{ ',' }}{% endif %}{{ name }}"
            + "{% endfor %}{{ ')' }}{% endfor %}"
            + "{% endif %}"
            + "{{ '<|eot_id|>' }}"
            + "{% endif %}"
            + "{% for message in messages %}"
            + "{% if message['role'] != 'system' %}"
            + "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' }}"
            + "{% if message['tool_calls'] %}"
            + "{% for call in message['tool_calls'] %}"
            + "{{ '<tool_call>{\"name\":\"' + call['function']['name'] + '\",\"arguments\":' }}"
            + "{{ call['function']['arguments'] | tojson }}{{ '}</tool_call>' }}"
            + "{% endfor %}"
            + "{% else %}{{ message['content'] | trim }}{% endif %}"
            + "{{ '<|eot_id|>' }}"
            + "{% endif %}"
            + "{% endfor %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}";

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code folder} (created if needed). */
    public static void write(Path folder) {
        write(folder, ChatTemplate.LLADA_JINJA);
    }

    /** {@link #write(Path)} with another chat template (e.g. {@link #COMPACT_TOOLS_JINJA}). */
    public static void write(Path folder, String chatTemplate) {
        var gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(LladaTokenizer.TOKENIZER_FILE), gson.toJson(tokenizerJson()) + "\n", StandardCharsets.UTF_8);
            Files.writeString(folder.resolve(LladaTokenizer.TOKENIZER_CONFIG_FILE), gson.toJson(tokenizerConfigJson(chatTemplate)) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot write tokenizer files: " + e.getMessage(), e);
        }
    }

    /** The {@code tokenizer.json} object. */
    public static JsonObject tokenizerJson() {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            added.add(addedToken(BOS_ID + i, SPECIAL_TOKENS.get(i)));
        }
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        root.add("pre_tokenizer", byteLevel());
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
        JsonObject vocab = new JsonObject();
        for (int id = 0; id < BYTE_TOKENS; id++) {
            vocab.addProperty(byteSymbol(ORDER[id]), id);
        }
        model.add("vocab", vocab);
        model.add("merges", new JsonArray());
        root.add("model", model);
        return root;
    }

    /** The {@code tokenizer_config.json} object. */
    public static JsonObject tokenizerConfigJson() {
        return tokenizerConfigJson(ChatTemplate.LLADA_JINJA);
    }

    /** The {@code tokenizer_config.json} object with the given chat template. */
    public static JsonObject tokenizerConfigJson(String chatTemplate) {
        JsonObject o = new JsonObject();
        o.addProperty("add_bos_token", false);
        o.addProperty("add_eos_token", false);
        JsonObject decoder = new JsonObject();
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            JsonObject t = addedToken(BOS_ID + i, SPECIAL_TOKENS.get(i));
            t.remove("id");
            decoder.add(String.valueOf(BOS_ID + i), t);
        }
        o.add("added_tokens_decoder", decoder);
        o.addProperty("bos_token", LladaTokenizer.BOS_TOKEN);
        o.addProperty("eos_token", LladaTokenizer.EOS_TOKEN);
        o.addProperty("pad_token", LladaTokenizer.EOS_TOKEN);
        o.addProperty("chat_template", chatTemplate);
        o.addProperty("clean_up_tokenization_spaces", false);
        o.addProperty("model_max_length", 4096);
        o.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        return o;
    }

    private static JsonObject addedToken(int id, String content) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", true);
        return t;
    }

    private static JsonObject byteLevel() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", true);
        o.addProperty("use_regex", true);
        return o;
    }
}
