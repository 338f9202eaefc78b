package dev.elasticcache.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes float tensors into one {@code .safetensors} file stored as F32, F16 or BF16 (narrowing with
 * round-to-nearest-even), with {@code __metadata__ {"format":"pt"}} as PyTorch writers do. Tensors are
 * laid out contiguously in the order they were added; the JSON header is space-padded to a multiple of 8.
 */
public final class SafetensorsWriter {

    private final DType dtype;
    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    record Entry(String name, long[] shape, float[] data) {
    }

    /** A writer that stores every tensor as {@code dtype}. */
    public SafetensorsWriter(DType dtype) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        metadata.put("format", "pt");
    }

    /** The storage dtype. */
    public DType dtype() {
        return dtype;
    }

    /** Adds a tensor; {@code data.length} must equal the product of {@code shape}. Data is not copied. */
    public SafetensorsWriter add(String name, long[] shape, float[] data) {
        Objects.requireNonNull(name, "name");
        if ("__metadata__".equals(name)) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot be a tensor name");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
        }
        long numel = TensorInfo.numel(shape);
        if (numel != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has " + numel
                    + " elements but data has " + data.length);
        }
        if (tensors.putIfAbsent(name, new Entry(name, shape.clone(), data)) != null) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        return this;
    }

    /** Adds a string entry to {@code __metadata__} (besides {@code format: pt}). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Total bytes of tensor data (what {@code metadata.total_size} of an index counts). */
    public long dataSize() {
        long total = 0;
        for (Entry e : tensors.values()) {
            total += (long) e.data().length * dtype.byteSize();
        }
        return total;
    }

    /** Number of tensors added. */
    public int size() {
        return tensors.size();
    }

    /** Writes the file, replacing an existing one. */
    public void write(Path file) {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        header.add("__metadata__", meta);
        long offset = 0;
        for (Entry e : tensors.values()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", dtype.safetensorsName());
            JsonArray shape = new JsonArray();
            for (long d : e.shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            long bytes = (long) e.data().length * dtype.byteSize();
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            t.add("data_offsets", offsets);
            header.add(e.name(), t);
            offset += bytes;
        }
        ByteBuffer head = headerBytes(header);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : tensors.values()) {
                for (float v : e.data()) {
                    if (buf.remaining() < 4) {
                        buf.flip();
                        writeFully(ch, buf);
                        buf.clear();
                    }
                    switch (dtype) {
                        case F32 -> buf.putFloat(v);
                        case F16 -> buf.putShort(DType.floatToHalf(v));
                        case BF16 -> buf.putShort(DType.floatToBf16(v));
                        case F64 -> {
                            buf.putDouble(v);
                        }
                        default -> throw new IllegalStateException("unhandled dtype " + dtype);
                    }
                }
            }
            buf.flip();
            writeFully(ch, buf);
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot write safetensors file: " + ex.getMessage(), ex);
        }
    }

    /**
     * The file's first bytes for {@code header}: its length as a little-endian u64, then the JSON padded with spaces to
     * a multiple of 8 bytes (so every tensor's data is 8-byte aligned and can be mapped in place), ready to write.
     */
    public static ByteBuffer headerBytes(JsonObject header) {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        return head.flip();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
