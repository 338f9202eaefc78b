package dev.elasticcache.model.weights;

import java.nio.FloatBuffer;
import java.util.List;

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
}
