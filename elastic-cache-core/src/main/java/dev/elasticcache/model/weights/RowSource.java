package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.function.Consumer;

/** A matrix [rows, cols] whose values can be widened to fp32 a range of elements at a time. */
interface RowSource {

    long rows();

    long cols();

    /** Widens {@code count} elements from flat index {@code first} into {@code dst} at its absolute index {@code at}. */
    void widenInto(long first, int count, FloatBuffer dst, int at);

    /**
     * Rows [from, to) of the matrix made of {@code parts}' rows one after the other (q | k | v, gate | up) into
     * {@code dst} from index 0.
     */
    static void widenRows(List<? extends RowSource> parts, long from, long to, FloatBuffer dst) {
        long partStart = 0;
        int at = 0;
        for (RowSource p : parts) {
            long partEnd = partStart + p.rows();
            long lo = Math.max(from, partStart);
            long hi = Math.min(to, partEnd);
            if (lo < hi) {
                int count = Math.toIntExact((hi - lo) * p.cols());
                p.widenInto((lo - partStart) * p.cols(), count, dst, at);
                at += count;
            }
            partStart = partEnd;
        }
    }

    /**
     * The matrix made of {@code parts}' rows as a new contiguous fp32 array [rows, cols] owned by {@code target}:
     * widened into a scratch buffer in slices of at most {@code sliceBytes}, each copied once into place (one slice:
     * duplicated out of the buffer).
     */
    static NDArray assemble(List<? extends RowSource> parts, long rows, long cols, NDManager target, WidenScratch scratch,
            long sliceBytes) {
        long sliceRows = Math.max(1, Math.min(scratch.maxBytes(), sliceBytes) / (cols * 4));
        if (sliceRows >= rows) {
            NDArray[] whole = new NDArray[1];
            withSlice(parts, 0, rows, cols, target, scratch, alias -> {
                whole[0] = alias.duplicate();
                whole[0].attach(target);
            });
            return whole[0];
        }
        NDArray whole = target.create(new Shape(rows, cols), DataType.FLOAT32); // uninitialised: every row is set below
        try {
            for (long r = 0; r < rows; r += sliceRows) {
                NDIndex place = new NDIndex(r + ":" + Math.min(rows, r + sliceRows));
                withSlice(parts, r, Math.min(rows, r + sliceRows), cols, target, scratch, alias -> whole.set(place, alias));
            }
        } catch (RuntimeException | Error e) {
            whole.close();
            throw e;
        }
        return whole;
    }

    /**
     * Widens rows [from, to) into a scratch buffer and hands {@code use} an array that aliases it; the array is
     * freed and the buffer returned to the scratch when {@code use} returns.
     */
    private static void withSlice(List<? extends RowSource> parts, long from, long to, long cols, NDManager target,
            WidenScratch scratch, Consumer<NDArray> use) {
        ByteBuffer buffer = scratch.acquire((to - from) * cols * 4);
        try (NDManager staging = target.newSubManager()) {
            widenRows(parts, from, to, buffer.asFloatBuffer());
            use.accept(staging.create(buffer, new Shape(to - from, cols), DataType.FLOAT32));
        } finally {
            scratch.release(buffer);
        }
    }
}
