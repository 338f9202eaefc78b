package dev.elasticcache.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tokenizer of a Dream-family model folder: Qwen2's byte-level BPE with Dream's added tokens
 * ({@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>}, {@code <|beginoftext|>}, {@code <|mask|>}),
 * run by DJL's {@link HuggingFaceTokenizer} with truncation and padding off and no special tokens added
 * automatically (Dream's tokenizer adds none; prompts carry what they need).
 *
 * <p>It loads {@code tokenizer.json} when the folder has one; otherwise it builds the equivalent tokenizer
 * from {@code vocab.json}, {@code merges.txt} and the {@code added_tokens_decoder} of
 * {@code tokenizer_config.json} (Dream ships only these "slow" files), see {@link ByteLevelBpeFiles}. The
 * checkpoint's own chat template ({@link JinjaChatTemplate}) renders conversations.
 */
public final class DreamTokenizer implements AutoCloseable, ChatRenderer {

    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    public static final String MASK_TOKEN = "<|mask|>";
    public static final String EOS_TOKEN = "<|endoftext|>";
    public static final String IM_START_TOKEN = "<|im_start|>";
    public static final String IM_END_TOKEN = "<|im_end|>";
    /** The BOS that Dream's evaluation scripts put before raw prompts ({@code add_bos_token=true}). */
    public static final String BEGIN_OF_TEXT_TOKEN = "<|beginoftext|>";
    /** Longest input the DJL tokenizer is configured for (DJL's default of 512 would truncate silently). */
    public static final int MAX_LENGTH = 1 << 24;

    private final Path folder;
    private final Path source;
    private final boolean fromVocabFiles;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final Map<Integer, Boolean> specialById;
    private final int vocabSize;
    private final int maskId;
    private final int eosId;
    private final JinjaChatTemplate template;
    private final Path templateProblemFile;

    private DreamTokenizer(Path folder, Path source, boolean fromVocabFiles, HuggingFaceTokenizer tokenizer,
                           List<AddedToken> added, int vocabSize, int maskId, int eosId, JinjaChatTemplate template,
                           Path templateProblemFile) {
        this.folder = folder;
        this.source = source;
        this.fromVocabFiles = fromVocabFiles;
        this.tokenizer = tokenizer;
        Map<String, Integer> byContent = new LinkedHashMap<>();
        Map<Integer, Boolean> special = new HashMap<>();
        for (AddedToken t : added) {
            byContent.put(t.content(), t.id());
            special.put(t.id(), t.special());
        }
        this.addedTokens = Map.copyOf(byContent);
        this.specialById = Map.copyOf(special);
        this.vocabSize = vocabSize;
        this.maskId = maskId;
        this.eosId = eosId;
        this.template = template;
        this.templateProblemFile = templateProblemFile;
    }

    /**
     * Opens the tokenizer of a Dream model folder.
     *
     * @throws CheckpointException naming the file when files are missing, malformed or lack Dream's
     *     {@code <|mask|>} or end-of-text token
     */
    public static DreamTokenizer open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": tokenizer folder does not exist or is not a directory");
        }
        Path configPath = folder.resolve(TOKENIZER_CONFIG_FILE);
        JsonObject config = Files.isRegularFile(configPath) ? readJsonObject(configPath) : new JsonObject();
        Path tokenizerJson = folder.resolve(TOKENIZER_FILE);
        Path vocabJson = folder.resolve(ByteLevelBpeFiles.VOCAB_FILE);
        Path mergesTxt = folder.resolve(ByteLevelBpeFiles.MERGES_FILE);

        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("maxLength", String.valueOf(MAX_LENGTH));
        options.put("modelMaxLength", String.valueOf(MAX_LENGTH));

        List<AddedToken> added;
        int vocabSize;
        Path source;
        Path addedSource;
        boolean fromVocab;
        HuggingFaceTokenizer hf;
        DjlDefaults.apply();
        if (Files.isRegularFile(tokenizerJson)) {
            TokenizerJsonScan scan = TokenizerJsonScan.of(tokenizerJson);
            added = scan.added;
            vocabSize = scan.vocabSize();
            source = tokenizerJson;
            addedSource = tokenizerJson;
            fromVocab = false;
            try {
                hf = HuggingFaceTokenizer.builder(options).optTokenizerPath(tokenizerJson).build();
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException(tokenizerJson + ": cannot load tokenizer: " + e.getMessage(), e);
            }
        } else if (Files.isRegularFile(vocabJson) || Files.isRegularFile(mergesTxt)) {
            added = ByteLevelBpeFiles.addedTokens(config, configPath);
            JsonObject json = ByteLevelBpeFiles.tokenizerJson(vocabJson, mergesTxt, added);
            int max = -1;
            for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("model").getAsJsonObject("vocab").entrySet()) {
                max = Math.max(max, e.getValue().getAsInt());
            }
            for (AddedToken t : added) {
                max = Math.max(max, t.id());
            }
            vocabSize = max + 1;
            source = vocabJson;
            addedSource = configPath;
            fromVocab = true;
            byte[] bytes = new Gson().toJson(json).getBytes(StandardCharsets.UTF_8);
            try {
                hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException(vocabJson + ": cannot build a tokenizer from " + ByteLevelBpeFiles.VOCAB_FILE
                        + " and " + ByteLevelBpeFiles.MERGES_FILE + ": " + e.getMessage(), e);
            }
        } else {
            throw new CheckpointException(folder + ": no tokenizer in the model folder: expected " + TOKENIZER_FILE
                    + ", or " + ByteLevelBpeFiles.VOCAB_FILE + " and " + ByteLevelBpeFiles.MERGES_FILE
                    + " with " + TOKENIZER_CONFIG_FILE + "; download the tokenizer files of the checkpoint");
        }

        try {
            Map<String, Integer> ids = new HashMap<>();
            for (AddedToken t : added) {
                ids.put(t.content(), t.id());
            }
            Integer mask = ids.get(MASK_TOKEN);
            if (mask == null) {
                throw new CheckpointException(addedSource + ": the tokenizer of " + folder + " has no " + MASK_TOKEN
                        + " added token; Dream checkpoints need it as the mask token (use the tokenizer files that belong"
                        + " to the Dream checkpoint)");
            }
            String eosToken = JinjaChatTemplate.specialTokens(config, configPath).getOrDefault("eos_token", EOS_TOKEN);
            Integer eos = ids.get(eosToken);
            if (eos == null) {
                throw new CheckpointException(addedSource + ": the tokenizer of " + folder + " has no eos_token '" + eosToken
                        + "' among its added tokens");
            }
            JinjaChatTemplate template = null;
            Path problem = configPath;
            JsonElement chat = config.get("chat_template");
            if ((chat != null && !chat.isJsonNull()) || Files.isRegularFile(folder.resolve(JinjaChatTemplate.TEMPLATE_FILE))) {
                template = JinjaChatTemplate.fromFolder(folder);
            }
            DreamTokenizer t = new DreamTokenizer(folder, source, fromVocab, hf, added, vocabSize, mask, eos, template, problem);
            t.checkSingleToken(MASK_TOKEN, mask);
            t.checkSingleToken(eosToken, eos);
            return t;
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    private void checkSingleToken(String token, int id) {
        int[] enc = encode(token);
        if (enc.length != 1 || enc[0] != id) {
            throw new CheckpointException(source + ": special token " + token + " (id " + id + ") does not encode to"
                    + " itself but to " + Arrays.toString(enc) + "; the tokenizer files are inconsistent");
        }
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

    /** Token ids of {@code text}; added token strings in the text become their single ids. Nothing is prepended. */
    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
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

    /**
     * The conversation rendered by the checkpoint's chat template with {@code add_generation_prompt} true,
     * ready to encode (for Dream-Instruct: ChatML ending in {@code <|im_start|>assistant\n}).
     *
     * @throws CheckpointException naming tokenizer_config.json when the checkpoint has no chat template, or
     *     the template's file when it fails to render
     */
    public String renderChat(List<ChatMessage> messages) {
        return requireTemplate().render(messages, true);
    }

    @Override
    public boolean templateRendersTools() {
        return template != null && template.rendersTools();
    }

    @Override
    public String renderChat(List<ChatMessage> messages, List<java.util.Map<String, Object>> tools) {
        requireToolsRendered(tools);
        return requireTemplate().render(messages, true, tools);
    }

    /** Token ids of {@link #renderChat}. */
    public int[] encodeChat(List<ChatMessage> messages) {
        return encode(renderChat(messages));
    }

    private JinjaChatTemplate requireTemplate() {
        if (template == null) {
            throw new CheckpointException(templateProblemFile + ": no chat_template in " + TOKENIZER_CONFIG_FILE + " and no "
                    + JinjaChatTemplate.TEMPLATE_FILE + " in " + folder + "; a base checkpoint has no chat template:"
                    + " send it raw text (Dream's evaluations prepend " + BEGIN_OF_TEXT_TOKEN + ")");
        }
        return template;
    }

    /** The checkpoint's chat template, when it has one. */
    public Optional<JinjaChatTemplate> chatTemplate() {
        return Optional.ofNullable(template);
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

    /** Number of ids the tokenizer knows (vocabulary and added tokens); the model's vocab_size may be larger. */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** Id of {@code <|mask|>}. */
    public int maskTokenId() {
        return maskId;
    }

    /** Id of tokenizer_config.json's {@code eos_token} ({@code <|endoftext|>} for Dream). */
    public int eosTokenId() {
        return eosId;
    }

    /** Id of {@code <|im_start|>}, when the tokenizer has it. */
    public OptionalInt imStartTokenId() {
        return tokenId(IM_START_TOKEN);
    }

    /** Id of {@code <|im_end|>}, which ends a ChatML turn, when the tokenizer has it. */
    public OptionalInt imEndTokenId() {
        return tokenId(IM_END_TOKEN);
    }

    /** Id of {@code <|beginoftext|>}, when the tokenizer has it. */
    public OptionalInt beginOfTextTokenId() {
        return tokenId(BEGIN_OF_TEXT_TOKEN);
    }

    /** True when the tokenizer was built from vocab.json + merges.txt (the folder has no tokenizer.json). */
    public boolean fromVocabFiles() {
        return fromVocabFiles;
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
