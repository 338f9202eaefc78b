package dev.elasticcache.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A read-only view of one {@code .safetensors} file. The header is parsed and validated on open; tensor
 * data is read through memory maps of at most {@value #CHUNK_BYTES} bytes at a time, so files and tensors
 * larger than 2 GiB work and no whole-file copy lands on the heap. All dtypes are widened to float in Java.
 *
 * <p>Thread safe for concurrent reads.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest JSON header accepted (the reference implementation uses the same limit). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Bytes mapped at a time while reading a tensor. */
    static final int CHUNK_BYTES = 1 << 26;
    private static final int CONVERT_BLOCK = 8192;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataSize;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final int chunkBytes;
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, long dataSize,
                            Map<String, TensorInfo> tensors, Map<String, String> metadata, int chunkBytes) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataSize = dataSize;
        this.tensors = tensors;
        this.metadata = metadata;
        this.chunkBytes = chunkBytes;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws CheckpointException naming the file and the problem when it is missing, truncated or corrupt
     */
    public static SafetensorsFile open(Path path) {
        return open(path, CHUNK_BYTES);
    }

    /** Opens with a custom mapping chunk size (tests use small chunks to exercise chunk boundaries). */
    static SafetensorsFile open(Path path, int chunkBytes) {
        if (chunkBytes < 8) {
            throw new IllegalArgumentException("chunkBytes must be >= 8");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path + ": safetensors file does not exist; check the path or download it");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot open safetensors file: " + e, e);
        }
        try {
            return parse(path, ch, chunkBytes);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch, int chunkBytes) {
        long fileSize;
        try {
            fileSize = ch.size();
            if (fileSize < 8) {
                throw new CheckpointException(path + ": not a safetensors file: it has " + fileSize
                        + " bytes, fewer than the 8-byte header length prefix; the file is empty or truncated, re-download it");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > fileSize - 8) {
                throw new CheckpointException(path + ": file is truncated or not a safetensors file: the length prefix says the JSON header has "
                        + Long.toUnsignedString(headerLen) + " bytes but only " + (fileSize - 8)
                        + " bytes follow the prefix; re-download the file");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new CheckpointException(path + ": safetensors header of " + headerLen + " bytes exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes; the file is corrupt or not a safetensors file");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            headerBuf.flip();
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(headerBuf).toString();
            } catch (CharacterCodingException e) {
                throw new CheckpointException(path + ": safetensors header is not valid UTF-8 JSON; the file is corrupt or not a safetensors file", e);
            }
            long dataStart = 8 + headerLen;
            long dataSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, json, dataSize, metadata);
            return new SafetensorsFile(path, ch, dataStart, dataSize,
                    Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata), chunkBytes);
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read safetensors header: " + e, e);
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, String json, long dataSize, Map<String, String> metadata) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new CheckpointException(path + ": safetensors header is not valid JSON (" + e.getMessage()
                    + "); the file is corrupt or not a safetensors file", e);
        }
        if (!root.isJsonObject()) {
            throw new CheckpointException(path + ": safetensors header is not valid JSON: expected a JSON object but found '"
                    + abbreviate(json) + "'; the file is corrupt or not a safetensors file");
        }
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject().entrySet()) {
            String name = e.getKey();
            if ("__metadata__".equals(name)) {
                if (e.getValue().isJsonObject()) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        JsonElement v = m.getValue();
                        metadata.put(m.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
                    }
                }
                continue;
            }
            out.put(name, parseEntry(path, name, e.getValue(), dataSize));
        }
        return out;
    }

    private static TensorInfo parseEntry(Path path, String name, JsonElement value, long dataSize) {
        String bad = path + ": safetensors header entry for tensor '" + name + "' is malformed: ";
        String fix = "; the file is corrupt, re-download or re-convert it";
        if (!value.isJsonObject()) {
            throw new CheckpointException(bad + "expected an object with dtype, shape and data_offsets" + fix);
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dt = o.get("dtype");
        if (dt == null || !dt.isJsonPrimitive() || !dt.getAsJsonPrimitive().isString()) {
            throw new CheckpointException(bad + "missing string 'dtype'" + fix);
        }
        String dtName = dt.getAsString();
        DType dtype = DType.fromSafetensorsName(dtName).orElseThrow(() -> new CheckpointException(path
                + ": tensor '" + name + "' has unsupported dtype '" + dtName + "'; supported are "
                + Arrays.toString(DType.values()) + ". Convert the checkpoint to F32, F16 or BF16 (for example with the"
                + " Python safetensors package)"));
        long[] shape = longArray(o.get("shape"), bad + "'shape' must be an array of non-negative integers" + fix, -1);
        long[] offsets = longArray(o.get("data_offsets"), bad + "'data_offsets' must be an array [begin, end] of non-negative integers" + fix, 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new CheckpointException(path + ": safetensors header is inconsistent: tensor '" + name
                    + "' has data_offsets [" + begin + ", " + end + "] with end before begin" + fix);
        }
        if (end > dataSize) {
            throw new CheckpointException(path + ": file is truncated: header says tensor '" + name + "' ends at byte "
                    + end + " of the data section but the file has " + dataSize + " data bytes; re-download the file");
        }
        long numel;
        long expectedBytes;
        try {
            numel = TensorInfo.numel(shape);
            expectedBytes = Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new CheckpointException(bad + "shape " + Arrays.toString(shape) + " overflows" + fix);
        }
        if (end - begin != expectedBytes) {
            throw new CheckpointException(path + ": safetensors header is inconsistent: tensor '" + name + "' has dtype "
                    + dtype + " and shape " + Arrays.toString(shape) + " = " + expectedBytes + " bytes, but its data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin) + " bytes" + fix);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] longArray(JsonElement e, String message, int requiredLength) {
        if (e == null || !e.isJsonArray()) {
            throw new CheckpointException(message);
        }
        JsonArray a = e.getAsJsonArray();
        if (requiredLength >= 0 && a.size() != requiredLength) {
            throw new CheckpointException(message);
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !((JsonPrimitive) x).isNumber()) {
                throw new CheckpointException(message);
            }
            try {
                out[i] = x.getAsBigDecimal().longValueExact();
            } catch (ArithmeticException ex) {
                throw new CheckpointException(message);
            }
            if (out[i] < 0) {
                throw new CheckpointException(message);
            }
        }
        return out;
    }

    /** The file this view reads. */
    public Path path() {
        return path;
    }

    /** All tensors by name, in header order; {@code __metadata__} is not included. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** True when the file holds a tensor with this name. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Header entry of a tensor; throws a {@link CheckpointException} naming the file when absent. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(path + ": no tensor named '" + name + "' (the file has " + tensors.size()
                    + " tensors); check the tensor name or the checkpoint");
        }
        return t;
    }

    /** Absolute byte offset of the data section in the file. */
    public long dataStart() {
        return dataStart;
    }

    /** Number of bytes in the data section. */
    public long dataSize() {
        return dataSize;
    }

    /** Reads a whole tensor widened to float. The tensor must have fewer than 2^31 elements. */
    public float[] readFloats(String name) {
        TensorInfo t = info(name);
        return readFloats(name, 0, checkedInt(t, t.numel(), "elements", "readFloats(name, firstElement, count)"));
    }

    /** Reads {@code count} elements starting at flat element index {@code firstElement}, widened to float. */
    public float[] readFloats(String name, long firstElement, int count) {
        float[] out = new float[count];
        readRange(info(name), firstElement, count, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Streams a whole tensor into {@code dst} (heap or direct), widening to float; {@code dst} advances by
     * the element count and must have at least that many elements remaining.
     */
    public void readInto(String name, FloatBuffer dst) {
        TensorInfo t = info(name);
        readRange(t, 0, t.numel(), dst);
    }

    /** Streams {@code count} elements from flat index {@code firstElement} into {@code dst}. */
    public void readInto(String name, long firstElement, long count, FloatBuffer dst) {
        readRange(info(name), firstElement, count, dst);
    }

    /**
     * A new direct little-endian buffer holding the tensor as F32, position 0, limit = 4 * numel, ready for
     * {@code manager.create(buffer, shape, DataType.FLOAT32)}. The F32 size must be below 2 GiB; larger
     * tensors (e.g. an F32 embedding of LLaDA-8B) are read in row slices with
     * {@link #readAsF32Direct(String, long, int)}.
     */
    public ByteBuffer readAsF32Direct(String name) {
        TensorInfo t = info(name);
        long bytes = t.numel() * 4;
        int count = checkedInt(t, bytes, "F32 bytes", "readAsF32Direct(name, firstElement, count) for row slices") / 4;
        return readAsF32Direct(name, 0, count);
    }

    /** Like {@link #readAsF32Direct(String)} for {@code count} elements from flat index {@code firstElement}. */
    public ByteBuffer readAsF32Direct(String name, long firstElement, int count) {
        TensorInfo t = info(name);
        if (count < 0 || (long) count * 4 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count " + count + " out of range for a direct F32 buffer");
        }
        ByteBuffer bb = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        readRange(t, firstElement, count, bb.asFloatBuffer());
        return bb;
    }

    /**
     * The tensor's bytes as stored, memory-mapped read-only and little-endian: no copy is made and the pages
     * are read on first touch (they are the page cache's, so the kernel may drop and re-read them). The
     * mapping stays valid after this file is closed. The tensor must be smaller than 2 GiB on disk.
     */
    public ByteBuffer map(String name) {
        TensorInfo t = info(name);
        long bytes = t.byteSize();
        checkedInt(t, bytes, "bytes on disk", "a checkpoint with smaller tensors");
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), bytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot map tensor '" + name + "' (" + bytes + " bytes): " + e, e);
        }
    }

    private int checkedInt(TensorInfo t, long value, String what, String alternative) {
        if (value > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(path + ": tensor '" + t.name() + "' " + t.shapeString() + " has " + value + " " + what
                    + ", too many for one Java array or buffer; read it in slices with " + alternative);
        }
        return (int) value;
    }

    private void readRange(TensorInfo t, long firstElement, long count, FloatBuffer dst) {
        if (closed) {
            throw new IllegalStateException(path + ": safetensors file is closed");
        }
        long numel = t.numel();
        if (firstElement < 0 || count < 0 || firstElement > numel - count) {
            throw new IndexOutOfBoundsException("elements [" + firstElement + ", " + (firstElement + count) + ") out of range for tensor '"
                    + t.name() + "' with " + numel + " elements in " + path);
        }
        if (dst.remaining() < count) {
            throw new IllegalArgumentException("destination has " + dst.remaining() + " floats remaining but tensor '" + t.name()
                    + "' range needs " + count);
        }
        int size = t.dtype().byteSize();
        long elementsPerChunk = chunkBytes / size;
        long pos = dataStart + t.begin() + firstElement * size;
        long left = count;
        float[] tmp = null;
        short[] stmp = null;
        while (left > 0) {
            long n = Math.min(left, elementsPerChunk);
            MappedByteBuffer mapped;
            try {
                mapped = channel.map(FileChannel.MapMode.READ_ONLY, pos, n * size);
            } catch (IOException e) {
                throw new CheckpointException(path + ": cannot map bytes " + pos + ".." + (pos + n * size) + " of tensor '"
                        + t.name() + "': " + e, e);
            }
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            switch (t.dtype()) {
                case F32 -> dst.put(mapped.asFloatBuffer());
                case F64 -> {
                    DoubleBuffer db = mapped.asDoubleBuffer();
                    while (db.hasRemaining()) {
                        dst.put((float) db.get());
                    }
                }
                case BF16, F16 -> {
                    if (tmp == null) {
                        tmp = new float[CONVERT_BLOCK];
                        stmp = new short[CONVERT_BLOCK];
                    }
                    ShortBuffer sb = mapped.asShortBuffer();
                    boolean bf16 = t.dtype() == DType.BF16;
                    while (sb.hasRemaining()) {
                        int m = Math.min(CONVERT_BLOCK, sb.remaining());
                        sb.get(stmp, 0, m);
                        if (bf16) {
                            for (int i = 0; i < m; i++) {
                                tmp[i] = Float.intBitsToFloat((stmp[i] & 0xffff) << 16);
                            }
                        } else {
                            for (int i = 0; i < m; i++) {
                                tmp[i] = DType.halfToFloat(stmp[i]);
                            }
                        }
                        dst.put(tmp, 0, m);
                    }
                }
                default -> throw new IllegalStateException("unhandled dtype " + t.dtype());
            }
            pos += n * size;
            left -= n;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += r;
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    /** Closes the file channel. Buffers returned earlier stay valid (they are copies). */
    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}
