package dev.elasticcache.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tokenizer of a LLaDA model folder: DJL's {@link HuggingFaceTokenizer} over {@code tokenizer.json}
 * with truncation and padding off, no automatically added special tokens (the chat template writes the
 * BOS itself) and a very large max length, plus the special token ids and the chat template from
 * {@code tokenizer_config.json}.
 */
public final class LladaTokenizer implements AutoCloseable, ChatRenderer {

    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    public static final String MASK_TOKEN = "<|mdm_mask|>";
    public static final String BOS_TOKEN = "<|startoftext|>";
    public static final String EOS_TOKEN = "<|endoftext|>";
    /** Longest input the DJL tokenizer is configured for (DJL's default of 512 would truncate silently). */
    public static final int MAX_LENGTH = 1 << 24;

    private final Path folder;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final Map<Integer, Boolean> specialById;
    private final ChatTemplate template;
    private final String chatTemplateSource;
    /** The checkpoint's own chat_template, rendered by Jinjava; null when the folder has none. */
    private final JinjaChatTemplate jinja;
    private final int vocabSize;
    private final int maskId;
    private final int bosId;
    private final int eosId;
    private final int eotId;
    private final int startHeaderId;
    private final int endHeaderId;

    private LladaTokenizer(Path folder, HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens,
                           Map<Integer, Boolean> specialById, ChatTemplate template, String chatTemplateSource,
                           JinjaChatTemplate jinja, int vocabSize, Map<String, Integer> ids) {
        this.jinja = jinja;
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.addedTokens = addedTokens;
        this.specialById = specialById;
        this.template = template;
        this.chatTemplateSource = chatTemplateSource;
        this.vocabSize = vocabSize;
        this.maskId = ids.get("mask");
        this.bosId = ids.get("bos");
        this.eosId = ids.get("eos");
        this.eotId = ids.get("eot");
        this.startHeaderId = ids.get("start");
        this.endHeaderId = ids.get("end");
    }

    /**
     * Opens the tokenizer of a model folder ({@code tokenizer.json}, optional {@code tokenizer_config.json}).
     *
     * @throws CheckpointException naming the file when files are missing or lack LLaDA's special tokens
     */
    public static LladaTokenizer open(Path folder) {
        Path tokenizerJson = folder.resolve(TOKENIZER_FILE);
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": tokenizer folder does not exist or is not a directory");
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new CheckpointException(folder + ": no " + TOKENIZER_FILE + " in the model folder; download the model's"
                    + " tokenizer.json (slow-tokenizer files such as tokenizer.model are not supported)");
        }
        Path configPath = folder.resolve(TOKENIZER_CONFIG_FILE);
        JsonObject config = Files.isRegularFile(configPath) ? readJsonObject(configPath) : new JsonObject();

        VocabScan scan = scanTokenizerJson(tokenizerJson);
        String bos = tokenString(config, "bos_token", configPath).orElse(BOS_TOKEN);
        String eos = tokenString(config, "eos_token", configPath).orElse(EOS_TOKEN);
        String chatTemplateSource = config.has("chat_template") && config.get("chat_template").isJsonPrimitive()
                ? config.get("chat_template").getAsString() : null;
        ChatTemplate template = ChatTemplate.llada().withBos(bos);

        Integer mask = scan.added.get(MASK_TOKEN);
        if (mask == null) {
            throw new CheckpointException(tokenizerJson + ": tokenizer.json in " + folder + " has no " + MASK_TOKEN
                    + " token; LLaDA checkpoints need it as the mask token (use the tokenizer that belongs to the LLaDA checkpoint)");
        }
        Map<String, Integer> ids = new HashMap<>();
        ids.put("mask", mask);
        ids.put("bos", requireToken(scan, bos, "bos_token", tokenizerJson));
        ids.put("eos", requireToken(scan, eos, "eos_token", tokenizerJson));
        ids.put("eot", requireToken(scan, template.eot(), "end-of-turn token", tokenizerJson));
        ids.put("start", requireToken(scan, template.startHeader(), "chat header start token", tokenizerJson));
        ids.put("end", requireToken(scan, template.endHeader(), "chat header end token", tokenizerJson));

        DjlDefaults.apply();
        HuggingFaceTokenizer hf;
        try {
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", "false");
            options.put("truncation", "false");
            options.put("padding", "false");
            options.put("maxLength", String.valueOf(MAX_LENGTH));
            options.put("modelMaxLength", String.valueOf(MAX_LENGTH));
            hf = HuggingFaceTokenizer.builder(options).optTokenizerPath(tokenizerJson).build();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(tokenizerJson + ": cannot load tokenizer: " + e.getMessage(), e);
        }
        LladaTokenizer t = new LladaTokenizer(folder, hf, Collections.unmodifiableMap(scan.added),
                Collections.unmodifiableMap(scan.specialById), template, chatTemplateSource,
                chatTemplateSource != null || Files.isRegularFile(folder.resolve(JinjaChatTemplate.TEMPLATE_FILE))
                        ? JinjaChatTemplate.fromFolder(folder) : null, scan.vocabSize(), ids);
        try {
            t.checkSingleToken(MASK_TOKEN, mask, tokenizerJson);
            t.checkSingleToken(template.eot(), ids.get("eot"), tokenizerJson);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void checkSingleToken(String token, int id, Path tokenizerJson) {
        int[] enc = encode(token);
        if (enc.length != 1 || enc[0] != id) {
            throw new CheckpointException(tokenizerJson + ": special token " + token + " (id " + id + ") does not encode to"
                    + " itself but to " + java.util.Arrays.toString(enc) + "; the tokenizer.json is inconsistent");
        }
    }

    private static int requireToken(VocabScan scan, String token, String what, Path tokenizerJson) {
        Integer id = scan.added.get(token);
        if (id == null) {
            id = scan.vocabIds.get(token);
        }
        if (id == null) {
            throw new CheckpointException(tokenizerJson + ": tokenizer has no " + what + " '" + token
                    + "' in its added tokens; use the tokenizer that belongs to the LLaDA checkpoint");
        }
        return id;
    }

    private static Optional<String> tokenString(JsonObject config, String key, Path configPath) {
        JsonElement e = config.get(key);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        if (e.isJsonPrimitive()) {
            return Optional.of(e.getAsString());
        }
        if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
            return Optional.of(e.getAsJsonObject().get("content").getAsString());
        }
        throw new CheckpointException(configPath + ": '" + key + "' must be a string or an object with 'content'");
    }

    private static JsonObject readJsonObject(Path p) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new CheckpointException(p + ": expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new CheckpointException(p + ": cannot read: " + e, e);
        } catch (JsonParseException e) {
            throw new CheckpointException(p + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    /** What we need from tokenizer.json without building a tree of its (large) vocabulary. */
    private static final class VocabScan {
        final Map<String, Integer> added = new LinkedHashMap<>();
        final Map<Integer, Boolean> specialById = new HashMap<>();
        final Map<String, Integer> vocabIds = new HashMap<>();
        int maxId = -1;
        int vocabEntries;

        int vocabSize() {
            return Math.max(maxId + 1, vocabEntries);
        }
    }

    private static VocabScan scanTokenizerJson(Path tokenizerJson) {
        VocabScan scan = new VocabScan();
        List<String> interesting = List.of(MASK_TOKEN, BOS_TOKEN, EOS_TOKEN, ChatTemplate.DEFAULT_EOT,
                ChatTemplate.DEFAULT_START_HEADER, ChatTemplate.DEFAULT_END_HEADER);
        try (Reader r = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8); JsonReader in = new JsonReader(r)) {
            in.beginObject();
            while (in.hasNext()) {
                String key = in.nextName();
                if ("added_tokens".equals(key) && in.peek() == JsonToken.BEGIN_ARRAY) {
                    in.beginArray();
                    while (in.hasNext()) {
                        JsonObject t = JsonParser.parseReader(in).getAsJsonObject();
                        int id = t.get("id").getAsInt();
                        String content = t.get("content").getAsString();
                        boolean special = t.has("special") && t.get("special").getAsBoolean();
                        scan.added.put(content, id);
                        scan.specialById.put(id, special);
                        scan.maxId = Math.max(scan.maxId, id);
                    }
                    in.endArray();
                } else if ("model".equals(key) && in.peek() == JsonToken.BEGIN_OBJECT) {
                    in.beginObject();
                    while (in.hasNext()) {
                        String mk = in.nextName();
                        if ("vocab".equals(mk) && in.peek() == JsonToken.BEGIN_OBJECT) {
                            in.beginObject();
                            while (in.hasNext()) {
                                String piece = in.nextName();
                                int id = in.nextInt();
                                scan.vocabEntries++;
                                scan.maxId = Math.max(scan.maxId, id);
                                if (interesting.contains(piece)) {
                                    scan.vocabIds.put(piece, id);
                                }
                            }
                            in.endObject();
                        } else if ("vocab".equals(mk) && in.peek() == JsonToken.BEGIN_ARRAY) {
                            // Unigram: [[piece, score], ...], ids are positions
                            in.beginArray();
                            while (in.hasNext()) {
                                in.beginArray();
                                String piece = in.nextString();
                                in.skipValue();
                                in.endArray();
                                if (interesting.contains(piece)) {
                                    scan.vocabIds.put(piece, scan.vocabEntries);
                                }
                                scan.vocabEntries++;
                            }
                            in.endArray();
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
        scan.maxId = Math.max(scan.maxId, scan.vocabEntries - 1);
        return scan;
    }

    /** Token ids of {@code text}; special token strings in the text become their single ids. No BOS is added. */
    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /**
     * The chat prompt, ready to encode: rendered by the checkpoint's own {@code chat_template} (Jinjava) when the
     * folder has one, else by {@link #chatTemplate()}, LLaDA-8B-Instruct's template written in Java. An assistant
     * turn's tool calls follow its stripped content as {@link ToolCall#text()} in both (LLaDA's template reads only
     * {@code content}, so they are folded into it); for LLaDA's template the two give the same text (test).
     */
    public String renderChat(List<ChatMessage> messages) {
        return renderChat(messages, List.of());
    }

    @Override
    public boolean templateRendersTools() {
        return jinja != null && jinja.rendersTools();
    }

    @Override
    public String renderChat(List<ChatMessage> messages, List<java.util.Map<String, Object>> tools) {
        requireToolsRendered(tools);
        if (jinja == null) {
            return template.render(messages);
        }
        if (jinja.rendersTools()) {
            return jinja.render(messages, true, tools);
        }
        // A template without tools knows no tool_calls: the calls are written into the assistant turn's text.
        List<ChatMessage> folded = new java.util.ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            if (m.hasToolCalls()) {
                folded.add(ChatMessage.assistant(ChatTemplate.turnText(m)));
            } else {
                folded.add(m);
            }
        }
        return jinja.render(folded, true);
    }

    /** Token ids of the rendered chat prompt (BOS first, assistant header last). */
    public int[] encodeChat(List<ChatMessage> messages) {
        return encode(renderChat(messages));
    }

    /** Decodes ids, skipping special tokens. */
    @Override
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /** Decodes ids; with {@code skipSpecial} false special tokens are written out as their strings. */
    public String decode(int[] ids, boolean skipSpecial) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " out of range [0, " + vocabSize + ")");
            }
            l[i] = ids[i];
        }
        return tokenizer.decode(l, skipSpecial);
    }

    /** Id of an added token (special or not) by its string. */
    public OptionalInt tokenId(String addedToken) {
        Integer id = addedTokens.get(addedToken);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** True when {@code id} is an added token marked special (skipped by {@link #decode(int[])}). */
    @Override
    public boolean isSpecial(int id) {
        return specialById.getOrDefault(id, false);
    }

    public int maskTokenId() {
        return maskId;
    }

    public int bosTokenId() {
        return bosId;
    }

    public int eosTokenId() {
        return eosId;
    }

    /** Id of {@code <|eot_id|>}, which ends an assistant turn. */
    public int eotTokenId() {
        return eotId;
    }

    public int startHeaderTokenId() {
        return startHeaderId;
    }

    public int endHeaderTokenId() {
        return endHeaderId;
    }

    /** Number of token ids (largest id + 1 over the model vocabulary and the added tokens). */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The chat template used by {@link #encodeChat(List)} (BOS string from tokenizer_config.json). */
    public ChatTemplate chatTemplate() {
        return template;
    }

    /** tokenizer_config.json's {@code chat_template} Jinja source (what {@link #renderChat} runs when present). */
    public Optional<String> chatTemplateSource() {
        return Optional.ofNullable(chatTemplateSource);
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
