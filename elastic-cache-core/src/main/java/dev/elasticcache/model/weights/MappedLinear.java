package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A weight that stays 16-bit in its mapped checkpoint file: W's rows are the rows of one or more stored tensors
 * one after the other (q | k | v, or gate | up, fused as in {@link ResidentLinear}). Each {@link #apply} widens
 * W into a scratch buffer, multiplies, and lets the widened copy go, so the model holds 2 bytes per parameter
 * and a forward holds one widened matrix (or chunk) at a time.
 *
 * <p>The widened matrix has the layout a loaded fp32 weight has (contiguous [out, in], used transposed), so the
 * product is the fp32 path's bit for bit, whole or widened in slices.
 */
public final class MappedLinear implements Linear {
    /** Slices of a matrix assembled in pieces are copied at once, so they need not be large. */
    private static final long SLICE_BYTES = 256L << 20;

    private final List<StoredTensor> parts;
    private final long rows;
    private final long cols;
    private final WidenScratch scratch;

    public MappedLinear(List<StoredTensor> parts, WidenScratch scratch) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a mapped weight needs at least one tensor");
        }
        long cols = parts.get(0).cols();
        long rows = 0;
        for (StoredTensor p : parts) {
            if (p.cols() != cols) {
                throw new IllegalArgumentException("tensor '" + p.name() + "' has rows of " + p.cols() + " but '"
                        + parts.get(0).name() + "' of " + cols + "; they cannot be fused");
            }
            rows += p.rows();
        }
        if (cols == 0 || cols * 4 > scratch.maxBytes()) {
            throw new IllegalArgumentException("rows of " + cols + " floats do not fit the widening scratch of "
                    + scratch.maxBytes() + " bytes");
        }
        this.parts = List.copyOf(parts);
        this.rows = rows;
        this.cols = cols;
        this.scratch = scratch;
    }

    @Override
    public NDArray apply(NDArray x) {
        try {
            return multiply(x);
        } catch (InternalError e) {
            throw parts.get(0).unreadable(e);
        }
    }

    private NDArray multiply(NDArray x) {
        long bytes = rows * cols * 4;
        if (bytes <= scratch.maxBytes()) {
            ByteBuffer buffer = scratch.acquire(bytes);
            try (NDManager widened = x.getManager().newSubManager()) {
                RowSource.widenRows(parts, 0, rows, buffer.asFloatBuffer());
                return x.matMul(widened.create(buffer, new Shape(rows, cols), DataType.FLOAT32).transpose());
            } finally {
                scratch.release(buffer);
            }
        }
        // Larger than the scratch (an output head): assembled in an array of its own, multiplied once and freed with
        // this scope. Splitting the product instead would change libtorch's blocking, and bits.
        try (NDManager widened = x.getManager().newSubManager()) {
            return x.matMul(RowSource.assemble(parts, rows, cols, widened, scratch, SLICE_BYTES).transpose());
        }
    }

    @Override
    public long outFeatures() {
        return rows;
    }

    @Override
    public long inFeatures() {
        return cols;
    }

    @Override
    public long residentBytes() {
        return 0;
    }

    /** Bytes the mapped tensors occupy in their files (and, once read, in the page cache). */
    @Override
    public long mappedBytes() {
        return rows * cols * 2;
    }
}
