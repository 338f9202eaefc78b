package dev.elasticcache.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Helpers to craft valid and broken safetensors files in tests. */
final class SafetensorsTestSupport {

    private SafetensorsTestSupport() {
    }

    /** Writes an 8-byte length prefix (as given), the header bytes and {@code dataBytes} zero bytes. */
    static Path raw(Path file, long declaredHeaderLength, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(h);
        Files.write(file, b.array());
        return file;
    }

    /** Writes a well-formed prefix for {@code header} followed by {@code dataBytes} zero bytes. */
    static Path withHeader(Path file, String header, int dataBytes) throws IOException {
        return raw(file, header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * 3;
        }
        return a;
    }

    /** Values that BF16 represents exactly (8 significant bits). */
    static float[] bf16Exact(int n, long seed) {
        float[] a = random(n, seed);
        for (int i = 0; i < n; i++) {
            a[i] = DType.bf16ToFloat(DType.floatToBf16(a[i]));
        }
        return a;
    }
}
