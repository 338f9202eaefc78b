package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LladaConfigTest {

    @TempDir
    Path dir;

    private static final String LLADA_8B = """
            {
              "activation_type": "silu", "alibi": false, "alibi_bias_max": 8.0, "architectures": ["LLaDAModelLM"],
              "attention_dropout": 0.0, "attention_layer_norm": false, "attention_layer_norm_with_affine": true,
              "auto_map": {"AutoConfig": "configuration_llada.LLaDAConfig"},
              "bias_for_layer_norm": false, "block_group_size": 1, "block_type": "llama", "d_model": 4096,
              "embedding_dropout": 0.0, "embedding_size": 126464, "eos_token_id": 126081, "flash_attention": false,
              "include_bias": false, "include_qkv_bias": false, "init_cutoff_factor": null, "init_device": "meta",
              "init_fn": "mitchell", "init_std": 0.02, "input_emb_norm": false, "layer_norm_type": "rms",
              "layer_norm_with_affine": true, "mask_token_id": 126336, "max_sequence_length": 4096,
              "mlp_hidden_size": 12288, "mlp_ratio": 4, "model_type": "llada", "multi_query_attention": null,
              "n_heads": 32, "n_kv_heads": 32, "n_layers": 32, "pad_token_id": 126081, "precision": "amp_bf16",
              "residual_dropout": 0.0, "rms_norm_eps": 1e-05, "rope": true, "rope_full_precision": true,
              "rope_theta": 500000.0, "scale_logits": false, "torch_dtype": "bfloat16", "transformers_version": "4.46.3",
              "use_cache": false, "vocab_size": 126464, "weight_tying": false
            }""";

    private Path write(String json) throws IOException {
        Path p = dir.resolve("config.json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void readsLlada8bConfig() throws IOException {
        LladaConfig c = LladaConfig.read(write(LLADA_8B));
        assertThat(c).isEqualTo(new LladaConfig(4096, 32, 32, 32, 12288, 126464, 126464, 500000.0, 1e-5,
                126336, 126081, 126081, false, 4096));
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c).isEqualTo(LladaConfig.llada8b());
        assertThat(LladaTensorLayout.parameterCount(c)).isEqualTo(8_015_581_184L);
        assertThat(LladaTensorLayout.expectedShapes(c)).hasSize(291);
    }

    @Test
    void appliesDefaults() throws IOException {
        LladaConfig c = LladaConfig.read(write("{\"d_model\": 64, \"n_heads\": 4, \"n_layers\": 2, \"vocab_size\": 126464}"));
        assertThat(c.nKvHeads()).isEqualTo(4);
        assertThat(c.mlpHiddenSize()).isEqualTo(256);
        assertThat(c.embeddingSize()).isEqualTo(126464);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.maskTokenId()).isEqualTo(126336);
        assertThat(c.eosTokenId()).isEqualTo(126081);
        assertThat(c.padTokenId()).isEqualTo(126081);
        assertThat(c.weightTying()).isFalse();
        assertThat(c.maxSequenceLength()).isEqualTo(4096);
        LladaConfig r = LladaConfig.read(write("{\"d_model\": 64, \"n_heads\": 4, \"n_kv_heads\": null, \"n_layers\": 2,"
                + " \"vocab_size\": 300, \"mlp_ratio\": 1.5, \"eos_token_id\": 7, \"mask_token_id\": 5}"));
        assertThat(r.mlpHiddenSize()).isEqualTo(96);
        assertThat(r.padTokenId()).isEqualTo(7);
        assertThat(r.nKvHeads()).isEqualTo(4);
    }

    @Test
    void writesAllLladaKeysAndReadsBack() throws IOException {
        LladaConfig c = LladaConfig.builder().dModel(32).nHeads(4).nKvHeads(2).nLayers(3).mlpHiddenSize(48).vocabSize(262)
                .embeddingSize(264).ropeTheta(500000).maskTokenId(258).eosTokenId(257).padTokenId(257).weightTying(true)
                .maxSequenceLength(512).build();
        Path p = dir.resolve("config.json");
        c.write(p);
        assertThat(LladaConfig.read(p)).isEqualTo(c);
        JsonObject written = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
        JsonObject reference = JsonParser.parseString(LLADA_8B).getAsJsonObject();
        for (String key : reference.keySet()) {
            if (!key.equals("auto_map") && !key.equals("torch_dtype") && !key.equals("transformers_version")) {
                assertThat(written.has(key)).as("key %s", key).isTrue();
            }
        }
        assertThat(written.get("block_type").getAsString()).isEqualTo("llama");
        assertThat(written.get("activation_type").getAsString()).isEqualTo("silu");
        assertThat(written.get("layer_norm_type").getAsString()).isEqualTo("rms");
        assertThat(written.get("rope").getAsBoolean()).isTrue();
        assertThat(written.get("include_bias").getAsBoolean()).isFalse();
        assertThat(written.get("model_type").getAsString()).isEqualTo("llada");
        assertThat(written.getAsJsonArray("architectures").get(0).getAsString()).isEqualTo("LLaDAModelLM");
        assertThat(written.get("n_kv_heads").getAsInt()).isEqualTo(2);
        assertThat(written.get("weight_tying").getAsBoolean()).isTrue();
        assertThat(written.get("clip_qkv").isJsonNull()).isTrue();
    }

    @Test
    void rejectsUnsupportedFeaturesNamingTheKey() throws IOException {
        Map<String, String> cases = Map.of(
                "\"alibi\": true", "alibi",
                "\"include_bias\": true", "include_bias",
                "\"block_type\": \"sequential\"", "block_type = \"sequential\"",
                "\"activation_type\": \"gelu\"", "activation_type",
                "\"layer_norm_type\": \"default\"", "layer_norm_type",
                "\"attention_layer_norm\": true", "attention_layer_norm",
                "\"rope\": false", "rope = false",
                "\"clip_qkv\": 8.0", "clip_qkv");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            Path p = write("{\"d_model\": 64, \"n_heads\": 4, \"n_layers\": 2, \"vocab_size\": 126464, " + e.getKey() + "}");
            assertThatThrownBy(() -> LladaConfig.read(p)).as(e.getKey()).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(p.toString()).hasMessageContaining("unsupported config: " + e.getValue());
        }
    }

    @Test
    void validatesNumbers() {
        assertThatThrownBy(() -> LladaConfig.builder().dModel(30).nHeads(4).build())
                .hasMessageContaining("d_model (30) must be divisible by n_heads (4)");
        assertThatThrownBy(() -> LladaConfig.builder().nHeads(32).nKvHeads(5).build())
                .hasMessageContaining("n_heads (32) must be divisible by n_kv_heads (5)");
        assertThatThrownBy(() -> LladaConfig.builder().nLayers(0).build())
                .hasMessageContaining("n_layers must be positive");
        assertThatThrownBy(() -> LladaConfig.builder().dModel(32).nHeads(4).vocabSize(262).build())
                .hasMessageContaining("mask_token_id (126336) must be in [0, embedding_size=262)");
        assertThatThrownBy(() -> LladaConfig.builder().vocabSize(100).embeddingSize(50).maskTokenId(1).eosTokenId(2).build())
                .hasMessageContaining("embedding_size (50) must be >= vocab_size (100)");
    }

    @Test
    void reportsMissingAndMalformedConfig() throws IOException {
        Path missing = dir.resolve("config.json");
        assertThatThrownBy(() -> LladaConfig.read(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path p = write("{\"d_model\": 64,");
        assertThatThrownBy(() -> LladaConfig.read(p)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("not valid JSON");
        Path q = write("{\"d_model\": 64, \"n_heads\": 4, \"vocab_size\": 100}");
        assertThatThrownBy(() -> LladaConfig.read(q)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(q.toString()).hasMessageContaining("missing required key \"n_layers\"");
        Path r = write("{\"d_model\": \"big\", \"n_heads\": 4, \"n_layers\": 1, \"vocab_size\": 100}");
        assertThatThrownBy(() -> LladaConfig.read(r)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("key \"d_model\" must be an integer");
    }
}
