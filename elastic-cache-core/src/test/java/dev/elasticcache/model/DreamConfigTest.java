package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DreamConfigTest {

    @TempDir
    Path dir;

    /** Dream-v0-Instruct-7B's config.json as dream.md §1.1 lists it. */
    static final String DREAM_7B = """
            {
              "architectures": ["DreamModel"],
              "attention_dropout": 0.0,
              "auto_map": {"AutoConfig": "configuration_dream.DreamConfig", "AutoModel": "modeling_dream.DreamModel"},
              "bos_token_id": 151643, "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 3584,
              "initializer_range": 0.02, "intermediate_size": 18944, "mask_token_id": 151666,
              "max_position_embeddings": 131072, "max_window_layers": 28, "model_type": "Dream",
              "num_attention_heads": 28, "num_hidden_layers": 28, "num_key_value_heads": 4, "pad_token_id": 151643,
              "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000.0, "sliding_window": null,
              "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.46.2",
              "use_cache": false, "use_sliding_window": false, "vocab_size": 152064
            }""";

    /** Its generation_config.json (mask_token_id null: config.json's stays). */
    static final String DREAM_7B_GENERATION = """
            {"_from_model_config": true, "alg": "origin", "alg_temp": null, "bos_token_id": 151643,
             "eos_token_id": 151643, "eps": 0.001, "mask_token_id": null, "output_history": false,
             "pad_token_id": 151643, "steps": 512, "temperature": 0.0, "top_k": null, "top_p": null}""";

    private Path folder(String config) throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    @Test
    void readsDream7bConfig() throws IOException {
        DreamConfig c = DreamConfig.read(folder(DREAM_7B));
        assertThat(c).isEqualTo(DreamConfig.dream7b());
        assertThat(c.hiddenSize()).isEqualTo(3584);
        assertThat(c.intermediateSize()).isEqualTo(18944);
        assertThat(c.numHiddenLayers()).isEqualTo(28);
        assertThat(c.numAttentionHeads()).isEqualTo(28);
        assertThat(c.numKeyValueHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.kvGroupSize()).isEqualTo(7);
        assertThat(c.ropeTheta()).isEqualTo(1e6);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.vocabSize()).isEqualTo(152064);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.maxPositionEmbeddings()).isEqualTo(131072);
        assertThat(c.maskTokenId()).isEqualTo(151666);
        assertThat(c.eosTokenId()).isEqualTo(151643);
        assertThat(c.padTokenId()).isEqualTo(151643);
        assertThat(c.bosTokenId()).isEqualTo(151643);
        assertThat(c.torchDtype()).isEqualTo("bfloat16");
        // 28 layers x 12 tensors + embedding, norm, head; Qwen2.5-7B's parameter count
        assertThat(DreamTensorLayout.expectedShapes(c)).hasSize(28 * 12 + 3);
        assertThat(DreamTensorLayout.parameterCount(c)).isEqualTo(7_615_616_512L);
    }

    @Test
    void generationConfigSetsTokenIdsWhenNotNull() throws IOException {
        folder(DREAM_7B);
        Files.writeString(dir.resolve("generation_config.json"), DREAM_7B_GENERATION);
        assertThat(DreamConfig.read(dir)).isEqualTo(DreamConfig.dream7b());
        Files.writeString(dir.resolve("generation_config.json"),
                "{\"mask_token_id\": 151665, \"eos_token_id\": [151645, 151643], \"pad_token_id\": 151644, \"bos_token_id\": null}");
        DreamConfig c = DreamConfig.read(dir);
        assertThat(c.maskTokenId()).isEqualTo(151665);
        assertThat(c.eosTokenIds()).containsExactly(151645, 151643);
        assertThat(c.eosTokenId()).isEqualTo(151645);
        assertThat(c.padTokenId()).isEqualTo(151644);
        assertThat(c.bosTokenId()).isEqualTo(151643);
    }

    @Test
    void badGenerationConfigNamesThatFile() throws IOException {
        folder(DREAM_7B);
        Path gen = dir.resolve("generation_config.json");
        Files.writeString(gen, "{\"mask_token_id\": 200000}");
        assertThatThrownBy(() -> DreamConfig.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(gen.toString())
                .hasMessageContaining("mask_token_id (200000) must be in [0, vocab_size=152064)");
        Files.writeString(gen, "{\"eos_token_id\": [\"x\"]}");
        assertThatThrownBy(() -> DreamConfig.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(gen.toString())
                .hasMessageContaining("eos_token_id");
        Files.writeString(gen, "{not json");
        assertThatThrownBy(() -> DreamConfig.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(gen.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void appliesDefaults() throws IOException {
        DreamConfig c = DreamConfig.read(folder("{\"model_type\": \"Dream\", \"hidden_size\": 64, \"intermediate_size\": 96,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"vocab_size\": 152000}"));
        assertThat(c.numKeyValueHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(32768);
        assertThat(c.maskTokenId()).isEqualTo(151666);
        assertThat(c.eosTokenIds()).containsExactly(151643);
        assertThat(c.padTokenId()).isEqualTo(151643);
        assertThat(c.bosTokenId()).isEqualTo(151643);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.torchDtype()).isNull();
    }

    @Test
    void writesAndReadsBack() {
        DreamConfig c = DreamConfig.builder().hiddenSize(32).intermediateSize(48).numHiddenLayers(2).numAttentionHeads(4)
                .numKeyValueHeads(2).headDim(12).vocabSize(300).maskTokenId(299).eosTokenIds(List.of(297, 296)).padTokenId(296)
                .bosTokenId(295).tieWordEmbeddings(true).attentionBias(false).ropeTheta(5e5).rmsNormEps(1e-5)
                .maxPositionEmbeddings(128).torchDtype("float32").build();
        c.write(dir.resolve("config.json"));
        assertThat(DreamConfig.read(dir)).isEqualTo(c);
        assertThat(ModelFamily.detect(dir)).isEqualTo(ModelFamily.DREAM);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"hidden_size\": null}|missing required key \"hidden_size\"",
        "{\"num_key_value_heads\": 5}|num_attention_heads (28) must be divisible by num_key_value_heads (5)",
        "{\"mask_token_id\": 152064}|mask_token_id (152064) must be in [0, vocab_size=152064)",
        "{\"eos_token_id\": [151643, -1]}|eos_token_id (-1) must be in [0, vocab_size=152064)",
        "{\"hidden_act\": \"gelu\"}|unsupported config: hidden_act = \"gelu\"",
        "{\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}}|unsupported config: rope_scaling",
        "{\"use_sliding_window\": true}|unsupported config: use_sliding_window = true",
        "{\"torch_dtype\": \"int8\"}|unsupported config: torch_dtype = \"int8\"",
        "{\"rope_theta\": -1}|rope_theta must be a positive number",
        "{\"num_attention_heads\": 3.5}|key \"num_attention_heads\" must be an integer",
        "{\"hidden_size\": 3585}|hidden_size (3585) must be divisible by num_attention_heads (28)",
        "{\"head_dim\": 127}|head dimension 127 must be even for RoPE",
        "{\"quantization_config\": {\"bits\": 4}}|unsupported config: quantization_config is set",
    })
    void invalidConfigsNameTheFileAndTheKey(String overrides, String message) throws IOException {
        JsonObject config = JsonParser.parseString(DREAM_7B).getAsJsonObject();
        JsonParser.parseString(overrides).getAsJsonObject().entrySet().forEach(e -> config.add(e.getKey(), e.getValue()));
        Path file = dir.resolve("config.json");
        Files.writeString(file, config.toString());
        assertThatThrownBy(() -> DreamConfig.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }

    @Test
    void llaDaConfigIsNotReadAsDream() throws IOException {
        dev.elasticcache.checkpoint.RandomCheckpoint.tinyConfig().build().write(dir.resolve("config.json"));
        assertThatThrownBy(() -> DreamConfig.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("config.json").toString())
                .hasMessageContaining("describes a LLaDA model, not a Dream model");
    }
}
