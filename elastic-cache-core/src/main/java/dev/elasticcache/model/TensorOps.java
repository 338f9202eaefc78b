package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Small NDArray helpers shared by the model and the decoders. */
public final class TensorOps {
    private TensorOps() {}

    /** Concatenates [r_i, c] matrices along rows (one native op). */
    public static NDArray concatRows(NDArray... parts) {
        return parts.length == 1 ? parts[0] : NDArrays.concat(new NDList(parts), 0);
    }

    /** An int64 index vector of the given positions, owned by {@code manager}. */
    public static NDArray indices(NDManager manager, int[] positions) {
        long[] longs = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            longs[i] = positions[i];
        }
        return manager.create(longs, new Shape(positions.length));
    }

    /** 0..n-1 as an int64 index vector. */
    public static NDArray range(NDManager manager, int n) {
        return manager.arange(0, n, 1, DataType.INT64);
    }

    /** Moves an op result whose first operand was a long-lived array into the caller's scope. */
    public static NDArray into(NDManager manager, NDArray array) {
        array.attach(manager);
        return array;
    }
}
