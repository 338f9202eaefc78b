package dev.elasticcache.checkpoint;

import static dev.elasticcache.checkpoint.SafetensorsTestSupport.bf16Exact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointReaderTest {

    @TempDir
    Path dir;

    private final float[] a = bf16Exact(12, 10);
    private final float[] b = bf16Exact(40, 11);
    private final float[] c = bf16Exact(6, 12);
    private final float[] d = bf16Exact(20, 13);

    private CheckpointWriter writer() {
        return new CheckpointWriter(DType.BF16)
                .add("a", new long[] {3, 4}, a)
                .add("b", new long[] {40}, b)
                .add("c", new long[] {6}, c)
                .add("d", new long[] {4, 5}, d);
    }

    @Test
    void readsSingleFileFolder() {
        writer().writeSingle(dir);
        assertThat(dir.resolve("model.safetensors")).exists();
        assertThat(dir.resolve("model.safetensors.index.json")).doesNotExist();
        try (CheckpointReader r = CheckpointReader.open(dir)) {
            assertThat(r.isSharded()).isFalse();
            assertThat(r.tensorNames()).containsExactly("a", "b", "c", "d");
            assertThat(r.info("a").shape()).containsExactly(3, 4);
            assertThat(r.info("a").dtype()).isEqualTo(DType.BF16);
            assertThat(r.readFloats("b")).containsExactly(b);
            ByteBuffer bb = r.readAsF32Direct("d");
            assertThat(bb.getFloat(4 * 19)).isEqualTo(d[19]);
        }
    }

    @Test
    void writesAndReadsShardedFolderWithHfIndex() throws IOException {
        List<String> files = writer().write(dir, 3);
        assertThat(files).containsExactly("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors");
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("model.safetensors.index.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertThat(index.getAsJsonObject("metadata").get("total_size").getAsLong()).isEqualTo(2L * (12 + 40 + 6 + 20));
        JsonObject wm = index.getAsJsonObject("weight_map");
        assertThat(wm.keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
        // contiguous groups: a shard is closed once the bytes so far reach its share (78 elements / 3 = 26 each):
        // a (12) + b (40) = 52 >= 26 -> c opens shard 2; 58 >= 52 -> d opens shard 3
        assertThat(wm.get("a").getAsString()).isEqualTo("model-00001-of-00003.safetensors");
        assertThat(wm.get("b").getAsString()).isEqualTo("model-00001-of-00003.safetensors");
        assertThat(wm.get("c").getAsString()).isEqualTo("model-00002-of-00003.safetensors");
        assertThat(wm.get("d").getAsString()).isEqualTo("model-00003-of-00003.safetensors");
        try (CheckpointReader r = CheckpointReader.open(dir)) {
            assertThat(r.isSharded()).isTrue();
            assertThat(r.files()).hasSize(3);
            assertThat(r.tensorNames()).containsExactly("a", "b", "c", "d");
            assertThat(r.fileOf("c")).isEqualTo(dir.resolve("model-00002-of-00003.safetensors"));
            assertThat(r.readFloats("a")).containsExactly(a);
            assertThat(r.readFloats("b")).containsExactly(b);
            assertThat(r.readFloats("c")).containsExactly(c);
            assertThat(r.readFloats("d")).containsExactly(d);
        }
    }

    @Test
    void everyShardGetsATensor() {
        CheckpointWriter w = new CheckpointWriter(DType.F32)
                .add("big", new long[] {100}, new float[100])
                .add("s1", new long[] {1}, new float[1])
                .add("s2", new long[] {1}, new float[1]);
        w.write(dir, 3);
        try (CheckpointReader r = CheckpointReader.open(dir)) {
            assertThat(r.files()).hasSize(3);
            assertThat(r.fileOf("big").getFileName().toString()).isEqualTo("model-00001-of-00003.safetensors");
            assertThat(r.fileOf("s2").getFileName().toString()).isEqualTo("model-00003-of-00003.safetensors");
        }
        assertThatThrownBy(() -> w.write(dir.resolve("x"), 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 tensors into 4");
    }

    @Test
    void missingFolder() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> CheckpointReader.open(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void folderWithoutWeights() {
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("model.safetensors")
                .hasMessageContaining("model.safetensors.index.json");
    }

    @Test
    void missingTensorNamesTensorAndFolder() {
        writer().write(dir, 2);
        try (CheckpointReader r = CheckpointReader.open(dir)) {
            assertThatThrownBy(() -> r.readFloats("model.transformer.wte.weight")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("no tensor named 'model.transformer.wte.weight'");
            assertThatThrownBy(() -> r.info("zz")).isInstanceOf(CheckpointException.class).hasMessageContaining("'zz'");
        }
    }

    @Test
    void missingShardFile() throws IOException {
        writer().write(dir, 2);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("model.safetensors.index.json").toString())
                .hasMessageContaining("model-00002-of-00002.safetensors").hasMessageContaining("does not exist");
    }

    @Test
    void indexThatDisagreesWithShards() throws IOException {
        writer().write(dir, 2);
        Path index = dir.resolve("model.safetensors.index.json");
        JsonObject o = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        o.getAsJsonObject("weight_map").addProperty("ghost", "model-00001-of-00002.safetensors");
        Files.writeString(index, o.toString());
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString()).hasMessageContaining("'ghost'")
                .hasMessageContaining("model-00001-of-00002.safetensors");
        Files.writeString(index, "{not json");
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void truncatedShardIsReportedWithItsName() throws IOException {
        writer().write(dir, 2);
        Path shard = dir.resolve("model-00002-of-00002.safetensors");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(shard.toString()).hasMessageContaining("file is truncated");
    }
}
