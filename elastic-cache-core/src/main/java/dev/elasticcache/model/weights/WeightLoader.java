package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns checkpoint tensors into a model's weights, one matrix at a time, in one of two ways:
 *
 * <ul>
 *   <li>fp32 ({@code keep16Bit} false): each (fused) matrix is widened into a reusable scratch buffer, copied
 *       once into native memory the model owns, and the scratch is reused for the next. The peak is the final
 *       weights plus one scratch buffer: nothing is staged, and Java's direct-memory limit only has to hold the
 *       scratch.
 *   <li>16-bit ({@code keep16Bit} true): BF16/F16 matrices stay mapped in their files ({@link MappedLinear},
 *       {@link MappedEmbedding}); only the small vectors (norms, biases) and any tensor stored in fp32 are
 *       widened into memory.
 * </ul>
 *
 * Both give the same fp32 values in the same layout, so a model computes the same bits either way.
 */
public final class WeightLoader {
    /**
     * The largest scratch buffer: the largest direct buffer Java allows (2 GiB), so every matrix of LLaDA-8B, its
     * 126464-row head included (1.93 GiB in fp32), is widened in one piece and multiplied straight from the buffer;
     * only larger ones (Dream-7B's 152064-row head, 2.03 GiB) are assembled from slices.
     */
    public static final int DEFAULT_SCRATCH_BYTES = Integer.MAX_VALUE & ~7;

    private final CheckpointReader reader;
    private final NDManager manager;
    private final boolean keep16Bit;
    private final WidenScratch scratch;

    public WeightLoader(CheckpointReader reader, NDManager manager, boolean keep16Bit) {
        this(reader, manager, keep16Bit, new WidenScratch(DEFAULT_SCRATCH_BYTES));
    }

    /** With a given scratch (tests use a small one to exercise chunking). */
    public WeightLoader(CheckpointReader reader, NDManager manager, boolean keep16Bit, WidenScratch scratch) {
        this.reader = reader;
        this.manager = manager;
        this.keep16Bit = keep16Bit;
        this.scratch = scratch;
    }

    /** The rows of the named [out_i, in] tensors one after the other, as one weight W. */
    public Linear linear(String... names) {
        List<TensorInfo> infos = new ArrayList<>();
        boolean all16 = true;
        for (String name : names) {
            TensorInfo info = reader.info(name);
            infos.add(info);
            all16 &= is16Bit(info);
        }
        if (keep16Bit && all16) {
            List<StoredTensor> parts = new ArrayList<>();
            for (String name : names) {
                parts.add(StoredTensor.map(reader, name));
            }
            return new MappedLinear(parts, scratch);
        }
        NDArray w = residentRows(infos);
        NDArray view = w.transpose();
        view.attach(manager);
        return new ResidentLinear(view);
    }

    /** The token embedding table. */
    public TokenEmbedding embedding(String name) {
        TensorInfo info = reader.info(name);
        if (keep16Bit && is16Bit(info)) {
            return new MappedEmbedding(StoredTensor.map(reader, name), scratch);
        }
        return new ResidentEmbedding(residentRows(List.of(info)));
    }

    /** Small tensors (norm weights, biases), concatenated, always as fp32 in memory. */
    public NDArray vector(String... names) {
        List<TensorInfo> infos = new ArrayList<>();
        for (String name : names) {
            infos.add(reader.info(name));
        }
        NDArray rows = residentRows(infos);
        NDArray flat = rows.reshape(rows.getShape().size());
        flat.attach(manager);
        rows.close();
        return flat;
    }

    /** The buffers mapped products widen into. */
    public WidenScratch scratch() {
        return scratch;
    }

    private static boolean is16Bit(TensorInfo info) {
        return info.dtype() == DType.BF16 || info.dtype() == DType.F16;
    }

    /** A contiguous fp32 [sum rows, cols] array in the model's manager, filled chunk by chunk through the scratch. */
    private NDArray residentRows(List<TensorInfo> infos) {
        long cols = columns(infos.get(0));
        long rows = 0;
        for (TensorInfo info : infos) {
            if (columns(info) != cols) {
                throw new IllegalArgumentException("tensor '" + info.name() + "' has rows of " + columns(info)
                        + " values, '" + infos.get(0).name() + "' of " + cols + "; they cannot be fused");
            }
            rows += rowsOf(info);
        }
        Shape shape = new Shape(rows, cols);
        long chunkRows = Math.max(1, scratch.maxBytes() / (cols * 4));
        if (chunkRows >= rows) {
            return copyRows(infos, 0, rows, cols);
        }
        // Larger than one scratch (an embedding table): fill a preallocated array slice by slice.
        NDArray whole = manager.create(shape, DataType.FLOAT32); // uninitialised: every row is set below
        try {
            for (long r = 0; r < rows; r += chunkRows) {
                long to = Math.min(rows, r + chunkRows);
                try (NDArray slice = copyRows(infos, r, to, cols)) {
                    whole.set(new NDIndex(r + ":" + to), slice);
                }
            }
        } catch (RuntimeException | Error e) {
            whole.close();
            throw e;
        }
        return whole;
    }

    /** Rows [from, to) of the fused tensors as a new fp32 array owned by the model's manager. */
    private NDArray copyRows(List<TensorInfo> infos, long from, long to, long cols) {
        ByteBuffer buffer = scratch.acquire((to - from) * cols * 4);
        try (NDManager staging = manager.newSubManager()) {
            FloatBuffer dst = buffer.asFloatBuffer();
            long partStart = 0;
            int at = 0;
            for (TensorInfo info : infos) {
                long partEnd = partStart + rowsOf(info);
                long lo = Math.max(from, partStart);
                long hi = Math.min(to, partEnd);
                if (lo < hi) {
                    int count = Math.toIntExact((hi - lo) * cols);
                    long first = (lo - partStart) * cols;
                    if (is16Bit(info)) {
                        StoredTensor.map(reader, info.name()).widenInto(first, count, dst, at);
                    } else {
                        reader.readInto(info.name(), first, count, dst.duplicate().position(at));
                    }
                    at += count;
                }
                partStart = partEnd;
            }
            NDArray alias = staging.create(buffer, new Shape(to - from, cols), DataType.FLOAT32);
            NDArray copy = alias.duplicate();
            copy.attach(manager);
            return copy;
        } finally {
            scratch.release(buffer);
        }
    }

    private static long rowsOf(TensorInfo info) {
        return info.rank() == 0 ? 1 : info.shape()[0];
    }

    private static long columns(TensorInfo info) {
        long rows = rowsOf(info);
        return rows == 0 ? 0 : info.numel() / rows;
    }
}
