package dev.elasticcache.vision;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.model.ConfigJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vision settings of a LLaDA-V (LLaVA-style) {@code config.json}: which tower, which of its layers
 * feeds the projector, the projector, and how an image becomes tiles and tokens. Keys and defaults follow
 * LLaDA-V's code ({@code llava/model/llava_arch.py}, {@code multimodal_encoder/siglip_encoder.py},
 * {@code multimodal_projector/builder.py}, {@code mm_utils.py}); see docs/design/llada-v.md.
 *
 * <p>The tower's own numbers come from an optional nested {@code vision_config} object (Hugging Face
 * {@code SiglipVisionConfig} keys); without one they are the SigLIP defaults LLaDA-V's code hard-codes
 * ({@link SiglipConfig#so400mPatch14x384()}). Loading checks them against the tensor shapes.
 *
 * @param visionTower      {@code mm_vision_tower} (must name a SigLIP tower)
 * @param tower            the tower's hyper-parameters
 * @param selectLayer      {@code mm_vision_select_layer}: index into the tower's hidden states (embeddings
 *                         output first, then each layer's output); LLaDA-V's SigLIP tower always uses -2
 * @param projectorType    {@code mm_projector_type} ({@code linear} or {@code mlp<N>x_gelu})
 * @param projectorDepth   number of Linear layers of the projector (2 for {@code mlp2x_gelu})
 * @param mmHiddenSize     {@code mm_hidden_size}: the projector's input width (the tower's hidden size)
 * @param textHiddenSize   {@code hidden_size} (or {@code d_model}) of the language model: the projector's
 *                         output width and the length of {@code image_newline}
 * @param imageAspectRatio {@code image_aspect_ratio} ({@code anyres} or {@code anyres_max_<N>})
 * @param maxNumPatches    the N of {@code anyres_max_<N>}, 0 for plain {@code anyres} (never downsampled)
 * @param gridPinpoints    {@code image_grid_pinpoints} as [width, height] pixel pairs, in config order
 * @param patchMergeType   {@code mm_patch_merge_type} ({@code spatial_unpad})
 */
public record VisionConfig(
        String visionTower,
        SiglipConfig tower,
        int selectLayer,
        String projectorType,
        int projectorDepth,
        int mmHiddenSize,
        int textHiddenSize,
        String imageAspectRatio,
        int maxNumPatches,
        List<Pinpoint> gridPinpoints,
        String patchMergeType) {

    /** SigLIP's image processor: mean and std 0.5 per channel after scaling by 1/255 (LLaDA-V's SigLipImageProcessor). */
    public static final float IMAGE_MEAN = 0.5f;
    /** See {@link #IMAGE_MEAN}. */
    public static final float IMAGE_STD = 0.5f;
    /** The placeholder text LLaDA-V replaces by the image embeddings ({@code DEFAULT_IMAGE_TOKEN}). */
    public static final String IMAGE_PLACEHOLDER = "<image>";

    private static final Pattern MLP_GELU = Pattern.compile("^mlp(\\d+)x_gelu$");
    private static final Pattern ANYRES_MAX = Pattern.compile("^anyres_max_(\\d+)$");
    private static final Pattern GRID_RANGE = Pattern.compile("\\((\\d+)x(\\d+)\\)");

    public VisionConfig {
        gridPinpoints = List.copyOf(gridPinpoints);
    }

    /** Encoder layers that run: the hidden state at {@link #selectLayer()} is the output of this many layers. */
    public int layersUsed() {
        return selectLayer < 0 ? tower.numLayers() + 1 + selectLayer : selectLayer;
    }

    /** Tokens per tile side after the tower (27 for 384/14). */
    public int tokensPerSide() {
        return tower.patchesPerSide();
    }

    /**
     * Reads the vision settings of a LLaDA-V {@code config.json}.
     *
     * @throws CheckpointException naming the file and the key
     */
    public static VisionConfig read(Path configJson) {
        JsonObject root = ConfigJson.readObject(configJson, "a LLaDA-V model folder");
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates; throws {@link IllegalArgumentException} naming the key. */
    public static VisionConfig fromJson(JsonObject o) {
        String towerName = ConfigJson.optString(o, "mm_vision_tower", ConfigJson.optString(o, "vision_tower", null));
        if (towerName == null) {
            throw new IllegalArgumentException("no \"mm_vision_tower\": this is not a LLaDA-V (LLaVA-style vision-language) config");
        }
        if (!towerName.toLowerCase(Locale.ROOT).contains("siglip")) {
            throw new IllegalArgumentException("unsupported mm_vision_tower \"" + towerName
                    + "\": only SigLIP towers (LLaDA-V's siglip2-so400m-patch14-384) are supported");
        }
        SiglipConfig tower = towerConfig(o);

        int selectLayer = ConfigJson.optInt(o, "mm_vision_select_layer", -2);
        if (selectLayer != -2) {
            // siglip_encoder.py deletes the last encoder layer and returns hidden_states[-1]: the penultimate
            // layer whatever this key says. Anything else would not be the model LLaDA-V trained.
            throw new IllegalArgumentException("unsupported mm_vision_select_layer = " + selectLayer
                    + ": LLaDA-V's SigLIP tower always uses the penultimate layer (-2); it drops the last encoder layer");
        }
        String selectFeature = ConfigJson.optString(o, "mm_vision_select_feature", "patch");
        if (!"patch".equals(selectFeature)) {
            throw new IllegalArgumentException("unsupported mm_vision_select_feature = \"" + selectFeature
                    + "\"; SigLIP has no class token, only \"patch\" is supported");
        }

        String projectorType = ConfigJson.optString(o, "mm_projector_type", "linear");
        int depth;
        Matcher m = MLP_GELU.matcher(projectorType);
        if ("linear".equals(projectorType)) {
            depth = 1;
        } else if (m.matches()) {
            depth = Integer.parseInt(m.group(1));
            if (depth < 1) {
                throw new IllegalArgumentException("mm_projector_type \"" + projectorType + "\" needs at least one layer");
            }
        } else {
            throw new IllegalArgumentException("unsupported mm_projector_type \"" + projectorType
                    + "\"; supported are \"linear\" and \"mlp<N>x_gelu\" (LLaDA-V uses mlp2x_gelu)");
        }
        int mmHidden = ConfigJson.optInt(o, "mm_hidden_size", tower.hiddenSize());
        if (mmHidden != tower.hiddenSize()) {
            throw new IllegalArgumentException("mm_hidden_size (" + mmHidden + ") differs from the vision tower's hidden_size ("
                    + tower.hiddenSize() + ")");
        }
        int textHidden = ConfigJson.present(o, "hidden_size") ? ConfigJson.optInt(o, "hidden_size", 0)
                : ConfigJson.optInt(o, "d_model", 0);
        if (textHidden <= 0) {
            throw new IllegalArgumentException("missing the language model's \"hidden_size\" (or \"d_model\"): the projector's output width");
        }

        String aspect = ConfigJson.optString(o, "image_aspect_ratio", "square");
        int maxNum;
        Matcher am = ANYRES_MAX.matcher(aspect);
        if ("anyres".equals(aspect)) {
            maxNum = 0;
        } else if (am.matches()) {
            maxNum = Integer.parseInt(am.group(1));
            if (maxNum < 1) {
                throw new IllegalArgumentException("image_aspect_ratio \"" + aspect + "\" must allow at least one tile");
            }
        } else {
            throw new IllegalArgumentException("unsupported image_aspect_ratio \"" + aspect
                    + "\"; supported are \"anyres\" and \"anyres_max_<N>\" (LLaDA-V uses anyres_max_4)");
        }
        String merge = ConfigJson.optString(o, "mm_patch_merge_type", "flat");
        if (!"spatial_unpad".equals(merge)) {
            throw new IllegalArgumentException("unsupported mm_patch_merge_type \"" + merge
                    + "\"; only \"spatial_unpad\" (LLaDA-V's) is supported");
        }
        if (!ConfigJson.present(o, "image_grid_pinpoints")) {
            throw new IllegalArgumentException("missing \"image_grid_pinpoints\", which image_aspect_ratio \"" + aspect + "\" needs");
        }
        List<Pinpoint> pinpoints = parsePinpoints(o.get("image_grid_pinpoints"), tower.imageSize());
        return new VisionConfig(towerName, tower, selectLayer, projectorType, depth, mmHidden, textHidden, aspect, maxNum,
                pinpoints, merge).validate();
    }

    /**
     * The keys {@link #fromJson} reads, as a LLaDA-V {@code config.json} holds them (the tower's numbers in a
     * nested {@code vision_config}, the pinpoints as [width, height] pairs); merge them into the language model's
     * config to write a whole model folder.
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", "llava_llada");
        o.addProperty("hidden_size", textHiddenSize);
        o.addProperty("mm_vision_tower", visionTower);
        o.addProperty("mm_projector_type", projectorType);
        o.addProperty("mm_hidden_size", mmHiddenSize);
        o.addProperty("mm_vision_select_layer", selectLayer);
        o.addProperty("mm_vision_select_feature", "patch");
        o.addProperty("image_aspect_ratio", imageAspectRatio);
        JsonArray pinpoints = new JsonArray();
        for (Pinpoint p : gridPinpoints) {
            JsonArray pair = new JsonArray();
            pair.add(p.width());
            pair.add(p.height());
            pinpoints.add(pair);
        }
        o.add("image_grid_pinpoints", pinpoints);
        o.addProperty("mm_patch_merge_type", patchMergeType);
        JsonObject v = new JsonObject();
        v.addProperty("hidden_size", tower.hiddenSize());
        v.addProperty("intermediate_size", tower.intermediateSize());
        v.addProperty("num_hidden_layers", tower.numLayers());
        v.addProperty("num_attention_heads", tower.numHeads());
        v.addProperty("num_channels", tower.numChannels());
        v.addProperty("image_size", tower.imageSize());
        v.addProperty("patch_size", tower.patchSize());
        v.addProperty("layer_norm_eps", tower.layerNormEps());
        v.addProperty("hidden_act", tower.hiddenAct().configName());
        o.add("vision_config", v);
        return o;
    }

    /** Checks cross-field consistency; returns this. */
    public VisionConfig validate() {
        tower.validate();
        if (layersUsed() < 0 || layersUsed() > tower.numLayers()) {
            throw new IllegalArgumentException("mm_vision_select_layer " + selectLayer + " is outside the tower's "
                    + tower.numLayers() + " layers");
        }
        if (gridPinpoints.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints is empty");
        }
        int tile = tower.imageSize();
        for (Pinpoint p : gridPinpoints) {
            if (p.width() % tile != 0 || p.height() % tile != 0) {
                throw new IllegalArgumentException("image_grid_pinpoints entry " + p + " is not a multiple of the tile size "
                        + tile + " (vision image_size)");
            }
        }
        if (projectorDepth < 1 || mmHiddenSize <= 0 || textHiddenSize <= 0 || maxNumPatches < 0) {
            throw new IllegalArgumentException("projector depth, widths and anyres_max must be positive");
        }
        return this;
    }

    private static SiglipConfig towerConfig(JsonObject root) {
        SiglipConfig d = SiglipConfig.so400mPatch14x384();
        JsonObject v = null;
        if (ConfigJson.present(root, "vision_config")) {
            if (!root.get("vision_config").isJsonObject()) {
                throw new IllegalArgumentException("key \"vision_config\" must be an object of SigLIP vision settings");
            }
            v = root.getAsJsonObject("vision_config");
        }
        if (v == null) {
            return d;
        }
        try {
            return new SiglipConfig(
                    ConfigJson.optInt(v, "hidden_size", d.hiddenSize()),
                    ConfigJson.optInt(v, "intermediate_size", d.intermediateSize()),
                    ConfigJson.optInt(v, "num_hidden_layers", d.numLayers()),
                    ConfigJson.optInt(v, "num_attention_heads", d.numHeads()),
                    ConfigJson.optInt(v, "num_channels", d.numChannels()),
                    ConfigJson.optInt(v, "image_size", d.imageSize()),
                    ConfigJson.optInt(v, "patch_size", d.patchSize()),
                    ConfigJson.optDouble(v, "layer_norm_eps", d.layerNormEps()),
                    SiglipConfig.Activation.fromConfig(ConfigJson.optString(v, "hidden_act", d.hiddenAct().configName())))
                    .validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vision_config: " + e.getMessage(), e);
        }
    }

    /**
     * {@code image_grid_pinpoints} in any of the forms LLaDA-V's code accepts: a JSON list of [width, height]
     * pairs (what training writes), a range string such as {@code "(1x1),...,(6x6)"} (grid multiples of the
     * tile size from the first to the last pair, width multiplier outer), or a string holding a list literal.
     */
    static List<Pinpoint> parsePinpoints(JsonElement e, int tile) {
        String bad = "image_grid_pinpoints must be a list of [width, height] pairs or a range like \"(1x1),...,(6x6)\", got ";
        List<Pinpoint> out = new ArrayList<>();
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            String s = e.getAsString();
            if (s.contains("x")) {
                Matcher m = GRID_RANGE.matcher(s);
                List<int[]> pairs = new ArrayList<>();
                while (m.find()) {
                    pairs.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                }
                if (pairs.isEmpty()) {
                    throw new IllegalArgumentException(bad + e);
                }
                int[] first = pairs.get(0);
                int[] last = pairs.get(pairs.size() - 1);
                for (int i = first[0]; i <= last[0]; i++) {
                    for (int j = first[1]; j <= last[1]; j++) {
                        out.add(new Pinpoint(i * tile, j * tile));
                    }
                }
                if (out.isEmpty()) {
                    throw new IllegalArgumentException(bad + e + " (the range is empty)");
                }
                return out;
            }
            try {
                e = JsonParser.parseString(s.replace('(', '[').replace(')', ']'));
            } catch (JsonParseException ex) {
                throw new IllegalArgumentException(bad + e, ex);
            }
        }
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(bad + e);
        }
        for (JsonElement pair : e.getAsJsonArray()) {
            if (!pair.isJsonArray() || pair.getAsJsonArray().size() != 2) {
                throw new IllegalArgumentException(bad + e);
            }
            JsonArray a = pair.getAsJsonArray();
            int[] wh = new int[2];
            for (int k = 0; k < 2; k++) {
                JsonElement x = a.get(k);
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                    throw new IllegalArgumentException(bad + e);
                }
                wh[k] = x.getAsInt();
                if (wh[k] <= 0) {
                    throw new IllegalArgumentException(bad + e + " (sizes must be positive)");
                }
            }
            out.add(new Pinpoint(wh[0], wh[1]));
        }
        return out;
    }
}
