package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading errors name the file and the tensor (or key), before any native memory is taken. */
class VisionLoadingTest {

    @TempDir
    Path dir;

    @Test
    void missingTensorNamesTheFileAndTheTensor() {
        String name = VisionTensors.layer(1) + "mlp.fc2.weight";
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small(), t -> t.remove(name));
        assertThatThrownBy(() -> LladaVisionEncoder.load(folder)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(folder.resolve(CheckpointReader.SINGLE_FILE).toString())
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("2 of its 3 encoder layers run");
    }

    @Test
    void missingTensorOfAShardedCheckpointNamesTheIndex() {
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small().shards(3), t -> t.remove(VisionTensors.IMAGE_NEWLINE));
        assertThatThrownBy(() -> LladaVisionEncoder.load(folder)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(folder.resolve(CheckpointReader.INDEX_FILE).toString())
                .hasMessageContaining("'model.image_newline'");
    }

    @Test
    void wrongShapeNamesTheShardTheTensorAndBothShapes() {
        String name = VisionTensors.projector(0, "weight");
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small().shards(2),
                t -> t.put(name, RandomLladaV.tensor(new java.util.Random(1), new long[] {40, 31}, 0, 1)));
        Path shard;
        try (CheckpointReader r = CheckpointReader.open(folder)) {
            shard = r.fileOf(name);
        }
        assertThat(shard.getFileName().toString()).startsWith("model-0000");
        assertThatThrownBy(() -> LladaVisionEncoder.load(folder)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(shard.toString())
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("[40, 31]")
                .hasMessageContaining("[40, 32]")
                .hasMessageContaining("mm_hidden_size=32");
    }

    @Test
    void configThatDisagreesWithTheTensorsIsReported() throws Exception {
        // the checkpoint's patch embedding is 14 x 14, but the config claims patch 15
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small());
        Path config = folder.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"patch_size\":14", "\"patch_size\":15"));
        assertThatThrownBy(() -> LladaVisionEncoder.load(folder)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(VisionTensors.PATCH_WEIGHT)
                .hasMessageContaining("[32, 3, 14, 14]")
                .hasMessageContaining("[32, 3, 15, 15]");
    }

    @Test
    void bf16CheckpointLoadsWithoutTouchingBf16InDjl() {
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small().dtype(DType.BF16));
        try (LladaVisionEncoder enc = LladaVisionEncoder.load(folder)) {
            assertThat(enc.config().layersUsed()).isEqualTo(2);
            assertThat(enc.imageNewline()).hasSize(40);
        }
    }

    @Test
    void missingConfigOrWeightsAreNamed() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> LladaVisionEncoder.load(empty)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json");
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small());
        Files.delete(folder.resolve(CheckpointReader.SINGLE_FILE));
        assertThatThrownBy(() -> LladaVisionEncoder.load(folder)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no weights found");
    }
}
