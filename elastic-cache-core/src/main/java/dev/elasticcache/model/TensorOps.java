package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.elasticcache.model.weights.Linear;

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

    /** RMSNorm over the last axis in fp32: {@code x / sqrt(mean(x^2) + eps) * w} (the op-by-op reference form). */
    public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }

    /** Rows [T, heads * hd] as heads [heads, T, hd]. */
    public static NDArray heads(NDArray flat, long rows, int heads, int headDim) {
        return flat.reshape(rows, heads, headDim).transpose(1, 0, 2);
    }

    /**
     * The op-by-op second half of a projection: fused q/k/v rows [T, (H + 2 Hkv) hd] split into q [H, T, hd], k and
     * v [Hkv, T, hd], q and k rotated at the rows' positions (both families, the reference blocks).
     */
    public static Qkv qkvHeads(NDArray qkv, int heads, int kvHeads, int headDim, RotaryEmbedding rope, NDList ropeTables) {
        long rows = qkv.getShape().get(0);
        int qWidth = heads * headDim;
        int kvWidth = kvHeads * headDim;
        NDList parts = qkv.split(new long[] {qWidth, qWidth + kvWidth}, 1);
        NDArray q = heads(parts.get(0), rows, heads, headDim);
        NDArray k = heads(parts.get(1), rows, kvHeads, headDim);
        NDArray v = heads(parts.get(2), rows, kvHeads, headDim);
        return new Qkv(rope.apply(q, ropeTables), rope.apply(k, ropeTables), v);
    }

    /**
     * Repeats each KV head for its group of query heads (GQA); identity when {@code group} is 1. Cached K/V live
     * in a longer-lived scope, so the repeated copy is moved into the caller's {@code scope}.
     */
    public static NDArray repeatKv(NDArray kv, int group, NDManager scope) {
        return group == 1 ? kv : into(scope, kv.repeat(0, group));
    }

    /** {@code x + (SiLU(gate) * up) W_down^T}, with {@code gate | up} = the normalised rows times {@code gateUp}'s W^T. */
    public static NDArray swiGluResidual(NDArray x, NDArray normed, Linear gateUp, Linear down) {
        NDList gateAndUp = gateUp.apply(normed).split(2, 1);
        NDArray gate = gateAndUp.get(0);
        NDArray hidden = Activation.sigmoid(gate).mul(gate).mul(gateAndUp.get(1));
        return x.add(down.apply(hidden));
    }
}
