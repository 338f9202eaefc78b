package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VisionConfigTest {

    @TempDir
    Path dir;

    /** The vision keys LLaDA-V's training writes (llada_v_finetune.sh flags; pinpoints expanded as train.py does). */
    static JsonObject lladaV() {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", "llava_llada");
        o.addProperty("hidden_size", 4096);
        o.addProperty("mm_vision_tower", "google/siglip2-so400m-patch14-384");
        o.addProperty("mm_projector_type", "mlp2x_gelu");
        o.addProperty("mm_hidden_size", 1152);
        o.addProperty("mm_vision_select_layer", -2);
        o.addProperty("mm_vision_select_feature", "patch");
        o.addProperty("image_aspect_ratio", "anyres_max_4");
        o.addProperty("mm_patch_merge_type", "spatial_unpad");
        JsonArray pins = new JsonArray();
        for (int i = 1; i <= 6; i++) {
            for (int j = 1; j <= 6; j++) {
                JsonArray p = new JsonArray();
                p.add(i * 384);
                p.add(j * 384);
                pins.add(p);
            }
        }
        o.add("image_grid_pinpoints", pins);
        return o;
    }

    @Test
    void readsLladaVSettingsWithSiglipDefaults() {
        VisionConfig c = VisionConfig.fromJson(lladaV());
        assertThat(c.tower()).isEqualTo(SiglipConfig.so400mPatch14x384());
        assertThat(c.tower().patchesPerTile()).isEqualTo(729);
        assertThat(c.tower().headDim()).isEqualTo(72);
        assertThat(c.layersUsed()).as("penultimate of 27").isEqualTo(26);
        assertThat(c.projectorDepth()).isEqualTo(2);
        assertThat(c.textHiddenSize()).isEqualTo(4096);
        assertThat(c.maxNumPatches()).isEqualTo(4);
        assertThat(c.gridPinpoints()).hasSize(36);
        assertThat(c.gridPinpoints().subList(0, 3))
                .containsExactly(new Pinpoint(384, 384), new Pinpoint(384, 768), new Pinpoint(384, 1152));
        assertThat(c.gridPinpoints().get(35)).isEqualTo(new Pinpoint(2304, 2304));
    }

    @Test
    void toJsonReadsBackAsTheSameConfig() {
        for (VisionConfig c : List.of(VisionConfig.fromJson(lladaV()), VisionConfig.fromJson(smallTower()))) {
            assertThat(VisionConfig.fromJson(c.toJson())).isEqualTo(c);
            assertThat(c.toJson().get("image_grid_pinpoints").isJsonArray()).isTrue();
        }
    }

    /** A 28-pixel tower of 3 layers with the pinpoints as a range string. */
    static JsonObject smallTower() {
        JsonObject o = lladaV();
        o.add("vision_config", JsonParser.parseString("{\"hidden_size\": 32, \"intermediate_size\": 48, \"num_hidden_layers\": 3,"
                + " \"num_attention_heads\": 2, \"image_size\": 28, \"patch_size\": 14, \"layer_norm_eps\": 1e-5}"));
        o.addProperty("mm_hidden_size", 32);
        o.addProperty("image_grid_pinpoints", "(1x1),...,(2x2)");
        return o;
    }

    @Test
    void rangeStringExpandsLikeTrainingDoes() {
        JsonObject o = lladaV();
        List<Pinpoint> fromList = VisionConfig.fromJson(o).gridPinpoints();
        o.addProperty("image_grid_pinpoints", "(1x1),...,(6x6)");
        assertThat(VisionConfig.fromJson(o).gridPinpoints()).isEqualTo(fromList);
        o.addProperty("image_grid_pinpoints", "[(384, 768), (768, 384)]");
        assertThat(VisionConfig.fromJson(o).gridPinpoints()).containsExactly(new Pinpoint(384, 768), new Pinpoint(768, 384));
    }

    @Test
    void nestedVisionConfigOverridesTheDefaults() {
        VisionConfig c = VisionConfig.fromJson(smallTower());
        assertThat(c.tower()).isEqualTo(new SiglipConfig(32, 48, 3, 2, 3, 28, 14, 1e-5, SiglipConfig.Activation.GELU_TANH));
        assertThat(c.layersUsed()).isEqualTo(2);
        assertThat(c.tokensPerSide()).isEqualTo(2);
        assertThat(c.gridPinpoints()).containsExactly(new Pinpoint(28, 28), new Pinpoint(28, 56), new Pinpoint(56, 28),
                new Pinpoint(56, 56));
    }

    @Test
    void plainAnyresNeverDownsamples() {
        JsonObject o = lladaV();
        o.addProperty("image_aspect_ratio", "anyres");
        assertThat(VisionConfig.fromJson(o).maxNumPatches()).isZero();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "mm_vision_tower | openai/clip-vit-large-patch14-336 | only SigLIP towers",
            "mm_vision_select_layer | -1 | penultimate",
            "mm_vision_select_feature | cls_patch | mm_vision_select_feature",
            "mm_projector_type | qformer | mm_projector_type",
            "image_aspect_ratio | pad | image_aspect_ratio",
            "mm_patch_merge_type | flat | mm_patch_merge_type",
            "image_grid_pinpoints | [[384, 500]] | not a multiple of the tile size 384",
            "mm_hidden_size | 1024 | mm_hidden_size (1024)"})
    void unsupportedOrInconsistentSettingsNameTheKey(String key, String value, String message) throws Exception {
        JsonObject o = lladaV();
        if (value.startsWith("[")) {
            o.add(key, JsonParser.parseString(value));
        } else if (value.matches("-?\\d+")) {
            o.addProperty(key, Integer.parseInt(value));
        } else {
            o.addProperty(key, value);
        }
        Path file = dir.resolve("config.json");
        Files.writeString(file, o.toString());
        assertThatThrownBy(() -> VisionConfig.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(message);
    }

    @Test
    void aTextOnlyConfigIsNotAVisionModel() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"d_model\": 4096, \"n_layers\": 32}");
        assertThatThrownBy(() -> VisionConfig.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no \"mm_vision_tower\"");
        assertThatThrownBy(() -> VisionConfig.read(dir.resolve("missing.json"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void missingLanguageHiddenSizeIsReported() {
        JsonObject o = lladaV();
        o.remove("hidden_size");
        assertThatThrownBy(() -> VisionConfig.fromJson(o)).hasMessageContaining("hidden_size");
        o.addProperty("d_model", 64);
        assertThat(VisionConfig.fromJson(o).textHiddenSize()).isEqualTo(64);
    }
}
