package dev.elasticcache.model.weights;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * A 16-bit matrix [rows, cols] left in its safetensors file, memory-mapped, and widened to fp32 on request.
 * Widening is exact (a BF16 value is the top half of its fp32 bits; F16 goes through {@link DType#halfToFloat}).
 *
 * @param name the tensor's name in the checkpoint
 * @param file the file that holds it (named in errors)
 * @param dtype BF16 or F16
 * @param bytes the mapped bytes, little-endian
 * @param rows first dimension
 * @param cols product of the others
 */
public record StoredTensor(String name, Path file, DType dtype, ByteBuffer bytes, long rows, long cols) implements RowSource {

    /** Elements below this are widened on the calling thread: forking costs more than it saves. */
    private static final int PARALLEL_THRESHOLD = 1 << 16;

    public StoredTensor {
        if (dtype != DType.BF16 && dtype != DType.F16) {
            throw new IllegalArgumentException("only 16-bit tensors stay mapped, not " + dtype);
        }
    }

    /** Maps a checkpoint tensor in place (it must be BF16 or F16). */
    public static StoredTensor map(CheckpointReader reader, String name) {
        TensorInfo info = reader.info(name);
        long rows = info.rank() == 0 ? 1 : info.shape()[0];
        long cols = rows == 0 ? 0 : info.numel() / rows;
        return new StoredTensor(name, reader.fileOf(name), info.dtype(), reader.map(name), rows, cols);
    }

    /**
     * Widens {@code count} elements from flat index {@code first} into {@code dst} at its absolute index
     * {@code at}, split across the machine's cores.
     *
     * @throws CheckpointException naming the file and tensor when the mapped file cannot be read any more
     *     (truncated or removed after it was opened)
     */
    @Override
    public void widenInto(long first, int count, FloatBuffer dst, int at) {
        if (first < 0 || count < 0 || first + count > rows * cols) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count) + ") of tensor '" + name
                    + "' with " + rows * cols);
        }
        ShortBuffer src = bytes.asShortBuffer();
        int start = Math.toIntExact(first);
        int parts = count < PARALLEL_THRESHOLD ? 1 : Runtime.getRuntime().availableProcessors();
        try {
            if (parts == 1) {
                widen(src, start, dst, at, count);
            } else {
                int step = (count + parts - 1) / parts;
                IntStream.range(0, parts).parallel().forEach(p -> {
                    int from = p * step;
                    int n = Math.min(step, count - from);
                    if (n > 0) {
                        widen(src, start + from, dst, at + from, n);
                    }
                });
            }
        } catch (InternalError e) {
            throw unreadable(e);
        }
    }

    /**
     * The error for a mapped page that can no longer be read (the file shrank under the model): the JVM reports
     * it as an {@link InternalError}, sometimes a little after the access, so callers convert it too.
     */
    public CheckpointException unreadable(InternalError e) {
        return new CheckpointException(file + ": tensor '" + name + "' can no longer be read from its mapped file ("
                + e.getMessage() + "); the file was truncated or replaced while the model was loaded: re-download it and reload", e);
    }

    /** Values converted per block: bulk copies in and out of the buffers, a plain loop the JIT vectorises between. */
    private static final int BLOCK = 4096;

    private void widen(ShortBuffer src, int from, FloatBuffer dst, int at, int n) {
        short[] half = new short[Math.min(BLOCK, n)];
        float[] wide = new float[half.length];
        for (int done = 0; done < n; done += half.length) {
            int m = Math.min(half.length, n - done);
            src.get(from + done, half, 0, m);
            if (dtype == DType.BF16) {
                for (int i = 0; i < m; i++) {
                    wide[i] = Float.intBitsToFloat(half[i] << 16);
                }
            } else {
                for (int i = 0; i < m; i++) {
                    wide[i] = DType.halfToFloat(half[i]);
                }
            }
            dst.put(at + done, wide, 0, m);
        }
    }
}
