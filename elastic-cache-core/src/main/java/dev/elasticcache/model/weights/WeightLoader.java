package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns checkpoint tensors into a model's weights, one matrix at a time, in one of two ways:
 *
 * <ul>
 *   <li>fp32 ({@link WeightStorage#FP32}): each (fused) matrix is widened into a reusable scratch buffer, copied
 *       once into native memory the model owns, and the scratch is reused for the next. The peak is the final
 *       weights plus one scratch buffer: nothing is staged, and Java's direct-memory limit only has to hold the
 *       scratch.
 *   <li>16-bit ({@link WeightStorage#MAPPED_16BIT}): BF16/F16 matrices stay mapped in their files ({@link MappedLinear},
 *       {@link MappedEmbedding}); only the small vectors (norms, biases) and any tensor stored in fp32 are
 *       widened into memory.
 *   <li>fp16 compute ({@link WeightStorage#FP16_COMPUTE}): each matrix as in fp32, then narrowed to fp16
 *       ({@link ResidentLinear} over fp16); vectors stay fp32.
 * </ul>
 *
 * The first two give the same fp32 values in the same layout, so a model computes the same bits either way.
 */
public final class WeightLoader {
    /**
     * The largest scratch buffer (576 MiB): every layer matrix of LLaDA-8B (gate|up: 384 MiB in fp32) and Dream-7B
     * (518 MiB) is widened in one piece and multiplied straight from a kept buffer; larger ones (the output heads:
     * 1.93 and 2.03 GiB) are assembled in a transient array that is freed as soon as it has multiplied.
     */
    public static final int DEFAULT_SCRATCH_BYTES = 576 << 20;

    private final CheckpointReader reader;
    private final NDManager manager;
    private final WeightStorage storage;
    private final WidenScratch scratch;

    public WeightLoader(CheckpointReader reader, NDManager manager, WeightStorage storage) {
        this(reader, manager, storage, new WidenScratch(DEFAULT_SCRATCH_BYTES));
    }

    /** With a given scratch (tests use a small one to exercise chunking). */
    public WeightLoader(CheckpointReader reader, NDManager manager, WeightStorage storage, WidenScratch scratch) {
        this.reader = reader;
        this.manager = manager;
        this.storage = storage;
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
        if (storage == WeightStorage.MAPPED_16BIT && all16) {
            List<StoredTensor> parts = new ArrayList<>();
            for (String name : names) {
                parts.add(StoredTensor.map(reader, name));
            }
            return new MappedLinear(parts, scratch);
        }
        NDArray w = residentRows(infos);
        if (storage == WeightStorage.FP16_COMPUTE) {
            NDArray view = half(w, names[0]).transpose();
            view.attach(manager);
            return new ResidentLinear(view);
        }
        NDArray view = w.transpose();
        view.attach(manager);
        return new ResidentLinear(view);
    }

    /** The token embedding table. */
    public TokenEmbedding embedding(String name) {
        TensorInfo info = reader.info(name);
        if (storage == WeightStorage.MAPPED_16BIT && is16Bit(info)) {
            return new MappedEmbedding(StoredTensor.map(reader, name), scratch);
        }
        NDArray table = residentRows(List.of(info));
        return new ResidentEmbedding(storage == WeightStorage.FP16_COMPUTE ? half(table, name) : table);
    }

    /** A tensor as an fp32 array [rows, cols] in memory (position tables and the like, which are added, not multiplied). */
    public NDArray array(String name) {
        return residentRows(List.of(reader.info(name)));
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

    /**
     * An fp32 matrix narrowed to fp16 in the model's manager (the fp32 one freed), refused when a value would
     * overflow fp16's range (|x| > 65504) rather than silently become infinite.
     */
    private NDArray half(NDArray w, String name) {
        float largest;
        try (NDArray magnitudes = w.abs(); NDArray max = magnitudes.max()) {
            largest = max.getFloat();
        }
        if (largest > 65504f) {
            w.close();
            throw new CheckpointException(reader.fileOf(name) + ": tensor '" + name
                    + "' holds " + largest + ", beyond fp16's range (65504); use dtype float32 or the checkpoint's 16-bit type");
        }
        NDArray h = w.toType(DataType.FLOAT16, false);
        h.attach(manager);
        w.close();
        return h;
    }

    private static boolean is16Bit(TensorInfo info) {
        return info.dtype() == DType.BF16 || info.dtype() == DType.F16;
    }

    /** A contiguous fp32 [sum rows, cols] array in the model's manager, filled slice by slice through the scratch. */
    private NDArray residentRows(List<TensorInfo> infos) {
        long cols = columns(infos.get(0));
        long rows = 0;
        List<RowSource> parts = new ArrayList<>();
        for (TensorInfo info : infos) {
            if (columns(info) != cols) {
                throw new IllegalArgumentException("tensor '" + info.name() + "' has rows of " + columns(info)
                        + " values, '" + infos.get(0).name() + "' of " + cols + "; they cannot be fused");
            }
            rows += rowsOf(info);
            parts.add(is16Bit(info) ? StoredTensor.map(reader, info.name()) : new Fp32Rows(reader, info, cols));
        }
        // An embedding table larger than the scratch is filled in place, slice by slice.
        return RowSource.assemble(parts, rows, cols, manager, scratch, scratch.maxBytes());
    }

    /** A tensor stored as F32 or F64, read through the checkpoint reader. */
    private record Fp32Rows(CheckpointReader reader, TensorInfo info, long cols) implements RowSource {
        @Override
        public long rows() {
            return rowsOf(info);
        }

        @Override
        public void widenInto(long first, int count, FloatBuffer dst, int at) {
            reader.readInto(info.name(), first, count, dst.duplicate().position(at));
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
