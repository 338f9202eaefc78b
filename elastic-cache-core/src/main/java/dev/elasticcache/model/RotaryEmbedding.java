package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Split-half ("NeoX") rotary position embedding with absolute positions, computed in fp32 as LLaDA does:
 * {@code rot(x) = x cos + concat(-x2, x1) sin} with frequencies {@code 1/theta^(2j/hd)} duplicated as [f, f].
 */
public final class RotaryEmbedding {
    private final NDArray cos; // [maxLen, hd]
    private final NDArray sin; // [maxLen, hd]
    /** The same cos rows as [maxLen, 1, hd], to broadcast over a [T, heads, hd] block. */
    private final NDArray cosRows;
    /** {@code sin} with its first half negated, [maxLen, 1, hd]: {@code rotate_half(x) sin == concat(x2, x1) signedSin}. */
    private final NDArray signedSinRows;

    RotaryEmbedding(NDManager manager, int headDim, double theta, int maxLength) {
        int half = headDim / 2;
        float[] cosTable = new float[maxLength * headDim];
        float[] sinTable = new float[maxLength * headDim];
        float[] signedSinTable = new float[maxLength * headDim];
        for (int j = 0; j < half; j++) {
            // Same fp32 rounding chain as the reference: inv_freq in fp32, then position * inv_freq in fp32.
            float invFreq = (float) (1.0 / Math.pow(theta, (2.0 * j) / headDim));
            for (int p = 0; p < maxLength; p++) {
                float angle = p * invFreq;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                int row = p * headDim;
                cosTable[row + j] = c;
                cosTable[row + j + half] = c;
                sinTable[row + j] = s;
                sinTable[row + j + half] = s;
                signedSinTable[row + j] = -s;
                signedSinTable[row + j + half] = s;
            }
        }
        this.cos = manager.create(cosTable, new Shape(maxLength, headDim));
        this.sin = manager.create(sinTable, new Shape(maxLength, headDim));
        this.cosRows = manager.create(cosTable, new Shape(maxLength, 1, headDim));
        this.signedSinRows = manager.create(signedSinTable, new Shape(maxLength, 1, headDim));
    }

    /** Gathers the cos/sin rows of the given absolute positions: two [T, hd] arrays. */
    public NDList tables(NDArray positions) {
        NDIndex rows = new NDIndex("{}", positions);
        return new NDList(cos.get(positions.getManager(), rows), sin.get(positions.getManager(), rows));
    }

    /** Gathers the [T, 1, hd] cos and signed-sin rows of the given positions, for {@link #applyRows}. */
    public NDList rowTables(NDArray positions) {
        NDIndex rows = new NDIndex("{}", positions);
        return new NDList(cosRows.get(positions.getManager(), rows), signedSinRows.get(positions.getManager(), rows));
    }

    /**
     * Rotates x [T, heads, hd] (rows first, any number of heads) with {@link #rowTables} of its T positions:
     * {@code x cos + concat(x2, x1) signedSin}, five ops for all heads at once. Bit for bit what {@link #apply}
     * gives per head: negating one factor of a product is exact, so {@code (-x2) s == x2 (-s)}, and the same two
     * products are added in the same order.
     */
    public NDArray applyRows(NDArray x, NDList rowTables) {
        NDList halves = x.split(2, 2);
        NDArray swapped = halves.get(1).concat(halves.get(0), 2);
        return x.mul(rowTables.get(0)).add(swapped.mul(rowTables.get(1)));
    }

    /** Rotates x [heads, T, hd] with the tables of its T positions. */
    public NDArray apply(NDArray x, NDList tables) {
        NDList halves = x.split(2, 2);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 2);
        return x.mul(tables.get(0)).add(rotated.mul(tables.get(1)));
    }
}
