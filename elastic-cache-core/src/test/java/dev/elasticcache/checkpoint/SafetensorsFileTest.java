package dev.elasticcache.checkpoint;

import static dev.elasticcache.checkpoint.SafetensorsTestSupport.bf16Exact;
import static dev.elasticcache.checkpoint.SafetensorsTestSupport.random;
import static dev.elasticcache.checkpoint.SafetensorsTestSupport.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsF32Exactly() {
        float[] a = random(24, 1);
        float[] b = {Float.MIN_VALUE, -0.0f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        Path f = dir.resolve("a.safetensors");
        new SafetensorsWriter(DType.F32).add("a", new long[] {2, 3, 4}, a).add("b", new long[] {4}, b).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.tensors().keySet()).containsExactly("a", "b");
            assertThat(s.metadata()).containsEntry("format", "pt");
            TensorInfo info = s.info("a");
            assertThat(info.dtype()).isEqualTo(DType.F32);
            assertThat(info.shape()).containsExactly(2, 3, 4);
            assertThat(info.begin()).isZero();
            assertThat(info.end()).isEqualTo(96);
            assertThat(s.info("b").begin()).isEqualTo(96);
            assertThat(s.readFloats("a")).containsExactly(a);
            assertThat(s.readFloats("b")).containsExactly(b);
            assertThat((s.dataStart()) % 8).isZero();
        }
    }

    @Test
    void roundTripsBf16ExactValuesExactlyAndRoundsOthers() {
        float[] exact = bf16Exact(300, 2);
        float[] other = random(300, 3);
        Path f = dir.resolve("b.safetensors");
        new SafetensorsWriter(DType.BF16).add("exact", new long[] {300}, exact).add("other", new long[] {10, 30}, other).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.info("exact").dtype()).isEqualTo(DType.BF16);
            assertThat(s.info("exact").byteSize()).isEqualTo(600);
            assertThat(s.readFloats("exact")).containsExactly(exact);
            float[] back = s.readFloats("other");
            for (int i = 0; i < other.length; i++) {
                assertThat(back[i]).isCloseTo(other[i], within(Math.abs(other[i]) * 0x1p-8f));
                assertThat(back[i]).isEqualTo(DType.bf16ToFloat(DType.floatToBf16(other[i])));
            }
        }
    }

    @Test
    void roundTripsF16WithinRoundingAndF64() {
        float[] a = random(100, 4);
        Path f16 = dir.resolve("h.safetensors");
        new SafetensorsWriter(DType.F16).add("h", new long[] {100}, a).write(f16);
        try (SafetensorsFile s = SafetensorsFile.open(f16)) {
            float[] back = s.readFloats("h");
            for (int i = 0; i < a.length; i++) {
                assertThat(back[i]).isCloseTo(a[i], within(Math.max(Math.abs(a[i]) * 0x1p-11f, 0x1p-24f)));
                assertThat(back[i]).isEqualTo(DType.halfToFloat(DType.floatToHalf(a[i])));
            }
        }
        Path f64 = dir.resolve("d.safetensors");
        new SafetensorsWriter(DType.F64).add("d", new long[] {100}, a).write(f64);
        try (SafetensorsFile s = SafetensorsFile.open(f64)) {
            assertThat(s.info("d").byteSize()).isEqualTo(800);
            assertThat(s.readFloats("d")).containsExactly(a);
        }
    }

    @Test
    void readsAcrossSmallMapChunksIntoAllBufferKinds() {
        float[] a = bf16Exact(1001, 5);
        Path f = dir.resolve("c.safetensors");
        new SafetensorsWriter(DType.BF16).add("pad", new long[] {3}, new float[] {1, 2, 3}).add("a", new long[] {7, 143}, a).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f, 64)) {
            assertThat(s.readFloats("a")).containsExactly(a);

            FloatBuffer heap = FloatBuffer.allocate(1005);
            heap.put(-1f);
            s.readInto("a", heap);
            assertThat(heap.position()).isEqualTo(1002);
            assertThat(heap.get(0)).isEqualTo(-1f);
            assertThat(heap.get(1)).isEqualTo(a[0]);
            assertThat(heap.get(1001)).isEqualTo(a[1000]);

            FloatBuffer direct = ByteBuffer.allocateDirect(4 * 1001).order(ByteOrder.nativeOrder()).asFloatBuffer();
            s.readInto("a", direct);
            direct.flip();
            for (int i = 0; i < a.length; i++) {
                assertThat(direct.get(i)).isEqualTo(a[i]);
            }

            ByteBuffer bb = s.readAsF32Direct("a");
            assertThat(bb.isDirect()).isTrue();
            assertThat(bb.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(bb.position()).isZero();
            assertThat(bb.limit()).isEqualTo(4 * 1001);
            for (int i = 0; i < a.length; i++) {
                assertThat(bb.getFloat(4 * i)).isEqualTo(a[i]);
            }
            // a row slice starting at an odd element, crossing chunk boundaries
            assertThat(s.readFloats("a", 143 * 3 + 1, 200)).containsExactly(java.util.Arrays.copyOfRange(a, 430, 630));
            ByteBuffer row = s.readAsF32Direct("a", 143 * 6, 143);
            assertThat(row.getFloat(0)).isEqualTo(a[858]);
            assertThat(row.getFloat(4 * 142)).isEqualTo(a[1000]);
            assertThatThrownBy(() -> s.readFloats("a", 1000, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.readInto("a", FloatBuffer.allocate(10))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1001");
        }
    }

    @Test
    void ignoresMetadataAndAcceptsScalarsAndEmptyTensors() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"x\":\"y\"},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"BF16\",\"shape\":[0,5],\"data_offsets\":[4,4]}}   ";
        Path f = withHeader(dir.resolve("m.safetensors"), header, 4);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.tensors().keySet()).containsExactly("s", "e");
            assertThat(s.metadata()).containsEntry("x", "y");
            assertThat(s.readFloats("s")).containsExactly(0f);
            assertThat(s.readFloats("e")).isEmpty();
        }
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void fileShorterThanLengthPrefix() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("has 3 bytes").hasMessageContaining("truncated");
    }

    @Test
    void headerLengthBiggerThanFile() throws IOException {
        Path f = SafetensorsTestSupport.raw(dir.resolve("big.safetensors"), 1000, "{}", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("1000 bytes but only 2 bytes follow")
                .hasMessageContaining("re-download");
        Path neg = SafetensorsTestSupport.raw(dir.resolve("neg.safetensors"), -1, "{}", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(neg)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(neg.toString()).hasMessageContaining("18446744073709551615");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        Path f = withHeader(dir.resolve("nj.safetensors"), "{\"a\": [1, 2", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not valid JSON");
        Path g = withHeader(dir.resolve("garbage.safetensors"), "hello world", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(g)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(g.toString()).hasMessageContaining("not valid JSON");
        Path bin = dir.resolve("bin.safetensors");
        Files.write(bin, new byte[] {4, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> SafetensorsFile.open(bin)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(bin.toString()).hasMessageContaining("not valid UTF-8 JSON");
    }

    @Test
    void unknownDtypes() throws IOException {
        for (String dt : new String[] {"I4", "BOOL"}) {
            Path f = withHeader(dir.resolve(dt + ".safetensors"),
                    "{\"w\":{\"dtype\":\"" + dt + "\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
            assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("tensor 'w' has unsupported dtype '" + dt + "'")
                    .hasMessageContaining("F32");
        }
    }

    @Test
    void truncatedFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        new SafetensorsWriter(DType.BF16).add("a", new long[] {4}, new float[4]).add("b", new long[] {8}, new float[8]).write(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() - 5);
        }
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("file is truncated: header says tensor 'b' ends at byte 24 of the data section but the file has 19 data bytes")
                .hasMessageContaining("re-download");
    }

    @Test
    void headerThatLiesAboutOffsets() throws IOException {
        Path beyond = withHeader(dir.resolve("beyond.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(beyond)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(beyond.toString()).hasMessageContaining("tensor 'w' ends at byte 24")
                .hasMessageContaining("16 data bytes");
        Path mismatch = withHeader(dir.resolve("mismatch.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,10]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(mismatch)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(mismatch.toString())
                .hasMessageContaining("tensor 'w' has dtype BF16 and shape [2, 3] = 12 bytes, but its data_offsets [0, 10] span 10 bytes");
        Path reversed = withHeader(dir.resolve("rev.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(reversed)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(reversed.toString()).hasMessageContaining("end before begin");
        Path noOffsets = withHeader(dir.resolve("noofs.safetensors"), "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4);
        assertThatThrownBy(() -> SafetensorsFile.open(noOffsets)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(noOffsets.toString()).hasMessageContaining("'w'").hasMessageContaining("data_offsets");
    }

    @Test
    void missingTensorNamesFile() {
        Path f = dir.resolve("x.safetensors");
        new SafetensorsWriter(DType.F32).add("a", new long[] {1}, new float[] {1}).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThatThrownBy(() -> s.readFloats("zzz")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("'zzz'");
        }
    }

    @Test
    void writerHeaderIsPaddedAndRejectsBadInput() throws IOException {
        Path f = dir.resolve("p.safetensors");
        new SafetensorsWriter(DType.F32).add("a", new long[] {1}, new float[] {1}).write(f);
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertThat(bytes).hasSize((int) (8 + headerLen + 4));
        SafetensorsWriter w = new SafetensorsWriter(DType.F32);
        assertThatThrownBy(() -> w.add("a", new long[] {2, 2}, new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 elements but data has 3");
        w.add("a", new long[] {1}, new float[1]);
        assertThatThrownBy(() -> w.add("a", new long[] {1}, new float[1])).hasMessageContaining("duplicate");
    }
}
