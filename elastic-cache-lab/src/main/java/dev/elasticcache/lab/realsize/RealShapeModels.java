package dev.elasticcache.lab.realsize;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.LladaTensorNaming;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.tokenizer.ChatTemplate;
import dev.elasticcache.tokenizer.DreamTokenizerFiles;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import dev.elasticcache.vision.RandomLladaV;
import dev.elasticcache.vision.VisionConfig;
import dev.elasticcache.vision.VisionWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Random checkpoints with the exact shapes, tensor names, dtype (BF16) and file layout of the models the project
 * exists for, written streamed ({@link StreamingCheckpointWriter}): what loading, memory and speed are verified on
 * where the real weights cannot be had. The tokenizer is the project's byte-level one with its special tokens
 * moved to the real models' ids (so mask, EOS and the chat template's markers are where the config says).
 */
public enum RealShapeModels {
    /** GSAI-ML/LLaDA-8B-Instruct: 32 layers, d 4096, MLP 12288, vocab 126464, untied head, 6 shards. */
    LLADA_8B("llada-8b", 6),
    /** Dream-org/Dream-v0-Instruct-7B: 28 layers, hidden 3584, 28 / 4 heads, MLP 18944, vocab 152064, biases, 4 shards. */
    DREAM_7B("dream-7b", 4),
    /** GSAI-ML/LLaDA-V: the LLaDA-8B language model (Llama names) + SigLIP so400m-patch14-384 + mlp2x_gelu, 4 shards. */
    LLADA_V("llada-v", 4),
    /** Two exact LLaDA-8B layers over a 512-row vocabulary: the real-width case CI keeps (0.9 GB). */
    LLADA_8B_TWO_LAYERS("llada-8b-2-layers", 2);

    /** LLaDA's special tokens at their ids in GSAI-ML/LLaDA-8B-Instruct's tokenizer. */
    static final Map<String, Integer> LLADA_SPECIAL_IDS = Map.of(
            LladaTokenizer.BOS_TOKEN, 126080, LladaTokenizer.EOS_TOKEN, 126081, LladaTokenizer.MASK_TOKEN, 126336,
            ChatTemplate.DEFAULT_START_HEADER, 126346, ChatTemplate.DEFAULT_END_HEADER, 126347, ChatTemplate.DEFAULT_EOT, 126348);
    /** Dream's special tokens at their ids in Dream-v0-Instruct-7B's tokenizer. */
    static final Map<String, Integer> DREAM_SPECIAL_IDS = Map.of("<|endoftext|>", 151643, "<|im_start|>", 151644,
            "<|im_end|>", 151645, "<|beginoftext|>", 151665, "<|mask|>", 151666);
    /** LLaDA's ids in the two-layer case, whose embedding has 512 rows. */
    static final Map<String, Integer> SMALL_LLADA_SPECIAL_IDS = Map.of(
            LladaTokenizer.BOS_TOKEN, 500, LladaTokenizer.EOS_TOKEN, 501, LladaTokenizer.MASK_TOKEN, 502,
            ChatTemplate.DEFAULT_START_HEADER, 503, ChatTemplate.DEFAULT_END_HEADER, 504, ChatTemplate.DEFAULT_EOT, 505);

    /** The 384 x 384 image written beside a LLaDA-V checkpoint. */
    public static final String IMAGE_FILE = "image-384.png";

    private final String id;
    private final int shards;

    RealShapeModels(String id, int shards) {
        this.id = id;
        this.shards = shards;
    }

    /** The name on the command line. */
    public String id() {
        return id;
    }

    public static RealShapeModels parse(String id) {
        for (RealShapeModels m : values()) {
            if (m.id.equals(id.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "'; one of " + java.util.Arrays.stream(values())
                .map(RealShapeModels::id).toList());
    }

    /** The LLaDA language model's config (LLaDA-8B-Instruct, or its two-layer cut). */
    LladaConfig lladaConfig() {
        return switch (this) {
            case LLADA_8B -> LladaConfig.llada8b();
            case LLADA_V -> LladaConfig.builder().tensorNaming(LladaTensorNaming.LLAMA).build();
            case LLADA_8B_TWO_LAYERS -> LladaConfig.builder().nLayers(2).vocabSize(512).embeddingSize(512)
                    .maskTokenId(502).eosTokenId(501).build();
            case DREAM_7B -> throw new IllegalStateException("Dream has no LLaDA config");
        };
    }

    /** Every tensor, in the order a real checkpoint has them. */
    public List<TensorPlan> tensors() {
        List<TensorPlan> out = new ArrayList<>();
        if (this == DREAM_7B) {
            DreamTensorLayout.expectedShapes(DreamConfig.dream7b()).forEach((n, s) -> out.add(TensorPlan.scaled(n, s)));
            return out;
        }
        LladaTensorLayout.expectedShapes(lladaConfig()).forEach((n, s) -> out.add(TensorPlan.scaled(n, s)));
        if (this == LLADA_V) {
            VisionWeights.expectedShapes(visionConfig()).forEach((n, s) -> out.add(TensorPlan.scaled(n, s)));
        }
        return out;
    }

    private static RandomLladaV.Spec visionSpec() {
        return new RandomLladaV.Spec(384, 14, 1152, 4304, 27, 16, 4096, "mlp2x_gelu", "anyres_max_4",
                "(1x1),...,(6x6)", false, DType.BF16, 1, 0);
    }

    static VisionConfig visionConfig() {
        return VisionConfig.fromJson(RandomLladaV.config(visionSpec()));
    }

    /** Bytes of the weights on disk. */
    public long weightBytes() {
        return tensors().stream().mapToLong(TensorPlan::numel).sum() * 2;
    }

    /** Writes the whole model folder: weights, config.json and tokenizer files. */
    public Path write(Path folder, long seed) {
        StreamingCheckpointWriter.write(folder, tensors(), shards, seed);
        try {
            if (this == DREAM_7B) {
                DreamConfig.dream7b().write(folder.resolve(ModelFamily.CONFIG_FILE));
                DreamTokenizerFiles.writeTokenizerJson(folder, DreamTokenizerFiles.CHATML_TEMPLATE);
                moveSpecialTokens(folder, DREAM_SPECIAL_IDS);
                return folder;
            }
            JsonObject config = lladaConfig().toJson();
            if (this == LLADA_V) {
                config.addProperty("model_type", "llava_llada");
                for (Map.Entry<String, JsonElement> e : RandomLladaV.config(visionSpec()).entrySet()) {
                    if (!e.getKey().equals("model_type") && !e.getKey().equals("hidden_size")) {
                        config.add(e.getKey(), e.getValue());
                    }
                }
            }
            Files.writeString(folder.resolve(ModelFamily.CONFIG_FILE),
                    new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n", StandardCharsets.UTF_8);
            if (this == LLADA_V) {
                // an image at the tower's own resolution, for a decode with one image
                Files.write(folder.resolve(IMAGE_FILE), RandomLladaV.png(384, 384, seed));
            }
            TinyTokenizerFiles.write(folder);
            moveSpecialTokens(folder, this == LLADA_8B_TWO_LAYERS ? SMALL_LLADA_SPECIAL_IDS : LLADA_SPECIAL_IDS);
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot write the model's files: " + e.getMessage(), e);
        }
        return folder;
    }

    /** Gives the special tokens of tokenizer.json and tokenizer_config.json the ids of {@code ids} (by content). */
    static void moveSpecialTokens(Path folder, Map<String, Integer> ids) throws IOException {
        Path tokenizer = folder.resolve("tokenizer.json");
        JsonObject t = JsonParser.parseString(Files.readString(tokenizer, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonArray added = t.getAsJsonArray("added_tokens");
        // As in the real tokenizers, the special tokens are in the model's vocabulary too, at the same ids
        // (an added token that is not there is given the next free id instead).
        JsonObject vocab = t.getAsJsonObject("model").getAsJsonObject("vocab");
        for (JsonElement e : added) {
            String content = e.getAsJsonObject().get("content").getAsString();
            Integer id = ids.get(content);
            if (id != null) {
                e.getAsJsonObject().addProperty("id", id);
                vocab.addProperty(content, id);
            }
        }
        var gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
        Files.writeString(tokenizer, gson.toJson(t), StandardCharsets.UTF_8);
        Path configFile = folder.resolve("tokenizer_config.json");
        JsonObject c = JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8)).getAsJsonObject();
        if (c.has("added_tokens_decoder")) {
            Map<String, JsonElement> moved = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("added_tokens_decoder").entrySet()) {
                Integer id = ids.get(e.getValue().getAsJsonObject().get("content").getAsString());
                moved.put(id == null ? e.getKey() : String.valueOf(id), e.getValue());
            }
            JsonObject decoder = new JsonObject();
            moved.forEach(decoder::add);
            c.add("added_tokens_decoder", decoder);
        }
        Files.writeString(configFile, gson.toJson(c), StandardCharsets.UTF_8);
    }
}
