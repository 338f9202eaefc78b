package dev.elasticcache.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LladaCheckpointTest {

    @TempDir
    Path dir;

    private final LladaConfig config = LladaConfig.builder().dModel(8).nHeads(2).nKvHeads(1).nLayers(2).mlpHiddenSize(12)
            .vocabSize(20).maskTokenId(19).eosTokenId(18).maxSequenceLength(64).build();

    /** Writes config.json and BF16-exact random weights for {@code cfg}, optionally overriding one shape or dropping one tensor. */
    private Map<String, float[]> writeModel(LladaConfig cfg, int shards, String overrideName, long[] overrideShape) {
        cfg.write(dir.resolve("config.json"));
        CheckpointWriter w = new CheckpointWriter(DType.BF16);
        Map<String, float[]> values = new HashMap<>();
        long seed = 100;
        for (Map.Entry<String, long[]> e : LladaTensorLayout.expectedShapes(cfg).entrySet()) {
            long[] shape = e.getKey().equals(overrideName) ? overrideShape : e.getValue();
            if (shape == null) {
                continue;
            }
            int n = (int) TensorInfo.numel(shape);
            float[] v = SafetensorsTestSupport.bf16Exact(n, seed++);
            values.put(e.getKey(), v);
            w.add(e.getKey(), shape, v);
        }
        w.write(dir, shards);
        return values;
    }

    @Test
    void opensShardedBf16Checkpoint() {
        Map<String, float[]> values = writeModel(config, 3, null, null);
        try (LladaCheckpoint ckpt = LladaCheckpoint.open(dir)) {
            assertThat(ckpt.config()).isEqualTo(config);
            assertThat(ckpt.folder()).isEqualTo(dir);
            assertThat(ckpt.reader().isSharded()).isTrue();
            String q = LladaTensorLayout.blockWeight(1, LladaTensorLayout.Q_PROJ);
            assertThat(ckpt.reader().info(q).dtype()).isEqualTo(DType.BF16);
            assertThat(ckpt.reader().readFloats(q)).containsExactly(values.get(q));
            java.nio.ByteBuffer wte = ckpt.reader().readAsF32Direct(LladaTensorLayout.WTE);
            assertThat(wte.capacity()).isEqualTo(4 * 20 * 8);
            assertThat(wte.getFloat(4 * 159)).isEqualTo(values.get(LladaTensorLayout.WTE)[159]);
        }
    }

    @Test
    void opensSingleFileCheckpointWithTiedWeights() {
        LladaConfig tied = LladaConfig.builder().dModel(8).nHeads(2).nLayers(1).mlpHiddenSize(12).vocabSize(20)
                .maskTokenId(19).eosTokenId(18).weightTying(true).build();
        writeModel(tied, 1, null, null);
        try (LladaCheckpoint ckpt = LladaCheckpoint.open(dir)) {
            assertThat(ckpt.config().weightTying()).isTrue();
            assertThat(ckpt.reader().contains(LladaTensorLayout.LM_HEAD)).isFalse();
        }
    }

    @Test
    void missingFolder() {
        Path missing = dir.resolve("nothing-here");
        assertThatThrownBy(() -> LladaCheckpoint.open(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void missingConfigJson() throws IOException {
        writeModel(config, 1, null, null);
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> LladaCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("no config.json");
    }

    @Test
    void missingWeights() throws IOException {
        config.write(dir.resolve("config.json"));
        assertThatThrownBy(() -> LladaCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("no weights found");
    }

    @Test
    void missingTensor() {
        String name = LladaTensorLayout.blockWeight(1, LladaTensorLayout.UP_PROJ);
        writeModel(config, 2, name, null);
        assertThatThrownBy(() -> LladaCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no tensor '" + name + "'")
                .hasMessageContaining("[12, 8]")
                .hasMessageContaining("config.json");
    }

    @Test
    void shapeThatDisagreesWithConfig() {
        String name = LladaTensorLayout.blockWeight(0, LladaTensorLayout.K_PROJ);
        writeModel(config, 2, name, new long[] {8, 8});
        try (CheckpointReader r = CheckpointReader.open(dir)) {
            Path file = r.fileOf(name);
            assertThatThrownBy(() -> LladaCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("tensor '" + name + "' has shape [8, 8] but " + dir.resolve("config.json") + " implies [4, 8]");
        }
    }
}
