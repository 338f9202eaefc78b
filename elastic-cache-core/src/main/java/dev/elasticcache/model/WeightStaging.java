package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.checkpoint.CheckpointReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moving checkpoint tensors into native memory: each tensor is widened to fp32 in Java (BF16 must never
 * reach DJL) and staged as a buffer-backed array, then copied into arrays the model's manager owns, so that
 * closing the staging scope lets the Java buffers be collected. (The same steps {@link LladaModel} takes.)
 */
final class WeightStaging {
    /** Max elements staged per buffer: a Java buffer cannot exceed 2 GiB. */
    private static final int STAGE_CHUNK_ELEMENTS = 1 << 28;

    private WeightStaging() {}

    /** Stages one tensor as fp32 in {@code staging}, in row slices when it is too large for one buffer. */
    static NDArray stage(CheckpointReader reader, String name, NDManager staging) {
        long[] shape = reader.info(name).shape();
        long total = 1;
        for (long s : shape) {
            total *= s;
        }
        if (total <= STAGE_CHUNK_ELEMENTS) {
            return staging.create(reader.readAsF32Direct(name).order(ByteOrder.nativeOrder()), new Shape(shape),
                    DataType.FLOAT32);
        }
        long cols = total / shape[0];
        long rowsPerChunk = Math.max(1, STAGE_CHUNK_ELEMENTS / cols);
        NDList slices = new NDList();
        for (long row = 0; row < shape[0]; row += rowsPerChunk) {
            long rows = Math.min(rowsPerChunk, shape[0] - row);
            ByteBuffer slice = reader.readAsF32Direct(name, row * cols, Math.toIntExact(rows * cols));
            slices.add(staging.create(slice.order(ByteOrder.nativeOrder()), new Shape(rows, cols), DataType.FLOAT32));
        }
        NDArray whole = NDArrays.concat(slices, 0).reshape(new Shape(shape));
        slices.close();
        return whole;
    }

    /** A contiguous native copy in {@code target}; null stays null. */
    static NDArray own(NDArray a, NDManager target) {
        if (a == null) {
            return null;
        }
        NDArray copy = a.duplicate();
        copy.attach(target);
        return copy;
    }

    /** Stores a transposed weight [in, out] as the transpose view of a contiguous [out, in] copy (GEMM-friendly). */
    static NDArray ownT(NDArray transposedView, NDManager target) {
        NDArray contiguous = transposedView.transpose().duplicate();
        contiguous.attach(target);
        NDArray view = contiguous.transpose();
        view.attach(target);
        return view;
    }
}
