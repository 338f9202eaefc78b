package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLaDA checkpoints with Llama-style tensor names and config keys (LLaDA-V's language model, renamed one to one
 * by its rename_checkpoint.py) load as LLaDA and compute exactly what the same weights under LLaDA's names do.
 */
class LlamaNamedLladaTest {

    @TempDir
    Path dir;

    /** LLaDA-V's {@code train/llada_v_prepare/files/config.json} (the keys and values that matter). */
    static final String LLADA_V_LM_CONFIG = "{\"architectures\":[\"LLaDAModelLM\"],\"attention_bias\":false,"
            + "\"bos_token_id\":128000,\"eos_token_id\":126081,\"hidden_act\":\"silu\",\"hidden_size\":4096,"
            + "\"intermediate_size\":12288,\"max_position_embeddings\":16384,\"model_type\":\"llada\","
            + "\"num_attention_heads\":32,\"num_hidden_layers\":32,\"num_key_value_heads\":32,\"rms_norm_eps\":1e-05,"
            + "\"rope_scaling\":null,\"rope_theta\":500000.0,\"tie_word_embeddings\":false,\"vocab_size\":126464}";

    @Test
    void llamaStyleKeysParseToTheLladaShapeWithLlamaNames() {
        LladaConfig c = LladaConfig.fromJson(JsonParser.parseString(LLADA_V_LM_CONFIG).getAsJsonObject());
        assertThat(c.tensorNaming()).isEqualTo(LladaTensorNaming.LLAMA);
        assertThat(c.dModel()).isEqualTo(4096);
        assertThat(c.nLayers()).isEqualTo(32);
        assertThat(c.mlpHiddenSize()).isEqualTo(12288);
        assertThat(c.maskTokenId()).isEqualTo(126336);
        assertThat(c.ropeTheta()).isEqualTo(500000.0);
        assertThat(c.maxSequenceLength()).isEqualTo(16384);
        assertThat(LladaTensorLayout.expectedShapes(c)).containsKeys("model.embed_tokens.weight", "lm_head.weight",
                "model.norm.weight", "model.layers.31.self_attn.o_proj.weight", "model.layers.0.mlp.gate_proj.weight",
                "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight");
        assertThat(LladaTensorLayout.parameterCount(c)).isEqualTo(LladaTensorLayout.parameterCount(LladaConfig.llada8b()));
        assertThat(LladaConfig.fromJson(c.toJson())).isEqualTo(c);
        JsonObject scaled = JsonParser.parseString(LLADA_V_LM_CONFIG).getAsJsonObject();
        scaled.add("rope_scaling", JsonParser.parseString("{\"type\":\"linear\",\"factor\":2}"));
        assertThatThrownBy(() -> LladaConfig.fromJson(scaled)).hasMessageContaining("rope_scaling");
    }

    @Test
    void theSameWeightsUnderLlamaNamesDecodeTheSameTokens() throws IOException {
        LladaConfig own = RandomCheckpoint.tinyConfig().dModel(48).nHeads(4).nKvHeads(2).nLayers(2).mlpHiddenSize(96).build();
        LladaConfig llama = RandomCheckpoint.tinyConfig().dModel(48).nHeads(4).nKvHeads(2).nLayers(2).mlpHiddenSize(96)
                .tensorNaming(LladaTensorNaming.LLAMA).build();
        Path a = RandomCheckpoint.write(dir.resolve("own"), own, 4, DType.BF16, 1);
        Path b = RandomCheckpoint.write(dir.resolve("llama"), llama, 4, DType.BF16, 2);
        try (CheckpointReader reader = CheckpointReader.open(b)) {
            assertThat(reader.tensorNames()).contains("model.layers.1.mlp.down_proj.weight")
                    .noneMatch(n -> n.startsWith("model.transformer."));
        }
        assertThat(Files.readString(b.resolve("config.json"))).contains("\"num_hidden_layers\"").doesNotContain("\"d_model\"");
        try (LladaModel ma = LladaModel.load(a); LladaModel mb = LladaModel.load(b);
                NDManager scope = ma.manager().newSubManager()) {
            int[] ids = LladaModelTest.randomIds(own, 19, 2);
            assertThat(mb.forward(TensorOps.indices(scope, ids)).toFloatArray())
                    .containsExactly(ma.forward(TensorOps.indices(scope, ids)).toFloatArray());
        }
        GenerationRequest r = GenerationRequest.ofUser("hello").mutate()
                .options(DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(24).windowLength(6).build()).build();
        try (ElasticCacheEngine ea = ElasticCacheEngine.load(EngineConfig.builder().modelDir(a).build());
                ElasticCacheEngine eb = ElasticCacheEngine.load(EngineConfig.builder().modelDir(b).build())) {
            GenerationResult x = ea.generate(r);
            assertThat(eb.generate(r).sequence()).containsExactly(x.sequence());
        }
    }

    @Test
    void llavaLladaFoldersLoadTheirLanguageModelAndMissingTensorsAreNamed() throws IOException {
        LladaConfig llama = RandomCheckpoint.tinyConfig().nLayers(1).tensorNaming(LladaTensorNaming.LLAMA).build();
        Path folder = RandomCheckpoint.write(dir.resolve("llava"), llama, 1, DType.F32, 1);
        JsonObject config = llama.toJson();
        config.addProperty("model_type", ModelFamily.LLAVA_LLADA);
        config.addProperty("mm_vision_tower", "google/siglip2-so400m-patch14-384");
        Files.writeString(folder.resolve("config.json"), config.toString());
        assertThat(ModelFamily.detect(folder)).isEqualTo(ModelFamily.LLADA);
        try (LladaModel m = LladaModel.load(folder)) {
            assertThat(m.config().tensorNaming()).isEqualTo(LladaTensorNaming.LLAMA);
        }
        // LLaDA's own names under a Llama-style config: the message names the Llama tensor it expected.
        Path mixed = RandomCheckpoint.write(dir.resolve("mixed"), RandomCheckpoint.tinyConfig().nLayers(1).build(), 1, DType.F32, 1);
        Files.writeString(mixed.resolve("config.json"), llama.toJson().toString());
        assertThatThrownBy(() -> LladaModel.load(mixed)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.embed_tokens.weight");
    }
}
