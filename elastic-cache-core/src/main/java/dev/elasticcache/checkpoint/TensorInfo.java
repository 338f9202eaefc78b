package dev.elasticcache.checkpoint;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header. {@code begin} and {@code end} are byte offsets relative to
 * the start of the data section (after the 8-byte length prefix and the JSON header), as in the file.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** Size of the data in bytes ({@code end - begin}). */
    public long byteSize() {
        return end - begin;
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** True when the shape equals {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Shape as "[a, b]". */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Long.hashCode(begin) * 17 + Long.hashCode(end);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + ", " + dtype + ", " + Arrays.toString(shape) + ", bytes " + begin + ".." + end + "]";
    }
}
