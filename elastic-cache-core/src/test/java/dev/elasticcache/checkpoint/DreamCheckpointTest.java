package dev.elasticcache.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DreamCheckpointTest {

    @TempDir
    Path dir;

    private final DreamConfig config = RandomDreamCheckpoint.tinyConfig().hiddenSize(16).numHiddenLayers(2).build();

    @Test
    void opensShardedBf16Checkpoint() {
        Map<String, float[]> values = RandomDreamCheckpoint.weights(config, 4);
        RandomDreamCheckpoint.write(dir, config, values, DType.BF16, 3);
        try (DreamCheckpoint ckpt = DreamCheckpoint.open(dir)) {
            assertThat(ckpt.config()).isEqualTo(config);
            assertThat(ckpt.reader().isSharded()).isTrue();
            assertThat(ckpt.reader().files()).hasSize(3);
            String bias = DreamTensorLayout.bias(1, DreamTensorLayout.K_PROJ);
            assertThat(ckpt.reader().info(bias).dtype()).isEqualTo(DType.BF16);
            float[] expected = values.get(bias);
            float[] read = ckpt.reader().readFloats(bias);
            for (int i = 0; i < expected.length; i++) {
                assertThat(read[i]).isEqualTo(DType.bf16ToFloat(DType.floatToBf16(expected[i])));
            }
        }
    }

    @Test
    void missingBiasNamesTheFileAndTheTensor() {
        Map<String, float[]> values = RandomDreamCheckpoint.weights(config, 4);
        String bias = DreamTensorLayout.bias(1, DreamTensorLayout.V_PROJ);
        values.remove(bias);
        RandomDreamCheckpoint.write(dir, config, values, DType.F32, 1);
        assertThatThrownBy(() -> DreamCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("model.safetensors").toString())
                .hasMessageContaining("has no tensor '" + bias + "'")
                .hasMessageContaining("expected shape [8]")
                .hasMessageContaining("\"attention_bias\": false");
        // sharded: the index names the tensors
        RandomDreamCheckpoint.write(dir.resolve("s"), config, values, DType.F32, 2);
        assertThatThrownBy(() -> DreamCheckpoint.open(dir.resolve("s")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("s").resolve("model.safetensors.index.json").toString())
                .hasMessageContaining("has no tensor '" + bias + "'");
    }

    @Test
    void wrongShapeNamesTheShardAndTheTensor() {
        Map<String, float[]> values = RandomDreamCheckpoint.weights(config, 4);
        String q = DreamTensorLayout.weight(0, DreamTensorLayout.Q_PROJ);
        CheckpointWriter w = new CheckpointWriter(DType.BF16);
        Map<String, long[]> shapes = DreamTensorLayout.expectedShapes(config);
        values.forEach((name, data) -> w.add(name, name.equals(q) ? new long[] {8, 32} : shapes.get(name), data));
        w.write(dir, 2);
        config.write(dir.resolve("config.json"));
        assertThatThrownBy(() -> DreamCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve(CheckpointWriter.shardFileName(1, 2)).toString())
                .hasMessageContaining("tensor '" + q + "' has shape [8, 32]")
                .hasMessageContaining("implies [16, 16]");
    }

    @Test
    void tiedConfigWithoutHeadOpensAndUntiedWithoutHeadIsReported() {
        Map<String, float[]> values = RandomDreamCheckpoint.weights(config, 4);
        values.remove(DreamTensorLayout.HEAD);
        RandomDreamCheckpoint.write(dir, config, values, DType.F32, 1);
        assertThatThrownBy(() -> DreamCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("has no tensor 'lm_head.weight'")
                .hasMessageContaining("\"tie_word_embeddings\": true");
        DreamConfig tied = RandomDreamCheckpoint.tinyConfig().hiddenSize(16).numHiddenLayers(2).tieWordEmbeddings(true).build();
        tied.write(dir.resolve("config.json"));
        try (DreamCheckpoint ckpt = DreamCheckpoint.open(dir)) {
            assertThat(ckpt.config().tieWordEmbeddings()).isTrue();
        }
    }

    @Test
    void lladaTensorsInADreamFolderNameTheFileAndTheTensor() {
        LladaConfig llada = RandomCheckpoint.tinyConfig().nLayers(1).build();
        RandomCheckpoint.write(dir, llada, 1, DType.F32, 1);
        config.write(dir.resolve("config.json")); // a Dream config over LLaDA weights
        assertThatThrownBy(() -> DreamCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("model.safetensors").toString())
                .hasMessageContaining("tensor 'model.transformer.")
                .hasMessageContaining("is named as in a LLaDA checkpoint")
                .hasMessageContaining("says this is a Dream model");
    }

    @Test
    void dreamTensorsInALladaFolderNameTheFileAndTheTensor() {
        LladaConfig llada = RandomCheckpoint.tinyConfig().nLayers(1).build();
        Map<String, float[]> values = new LinkedHashMap<>(RandomDreamCheckpoint.weights(config, 4));
        RandomDreamCheckpoint.write(dir, config, values, DType.F32, 2);
        llada.write(dir.resolve("config.json"));
        assertThatThrownBy(() -> LladaCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                // tensors are checked in name order: lm_head.weight first, which the writer put in the last shard
                .hasMessageContaining(dir.resolve(CheckpointWriter.shardFileName(2, 2)).toString())
                .hasMessageContaining("tensor '" + DreamTensorLayout.HEAD + "' is named as in a Dream checkpoint")
                .hasMessageContaining("says this is a LLaDA model (expected names such as '" + LladaTensorLayout.WTE + "')");
    }

    @Test
    void dreamConfigIsNotOpenedAsLlada() {
        RandomDreamCheckpoint.write(dir, config, 1, DType.F32, 1);
        assertThatThrownBy(() -> LladaCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("config.json").toString())
                .hasMessageContaining("describes a Dream model, not a LLaDA model");
    }
}
