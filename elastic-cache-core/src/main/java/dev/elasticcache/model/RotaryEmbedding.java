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

    RotaryEmbedding(NDManager manager, int headDim, double theta, int maxLength) {
        int half = headDim / 2;
        float[] cosTable = new float[maxLength * headDim];
        float[] sinTable = new float[maxLength * headDim];
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
            }
        }
        this.cos = manager.create(cosTable, new Shape(maxLength, headDim));
        this.sin = manager.create(sinTable, new Shape(maxLength, headDim));
    }

    /** Gathers the cos/sin rows of the given absolute positions: two [T, hd] arrays. */
    public NDList tables(NDArray positions) {
        NDIndex rows = new NDIndex("{}", positions);
        return new NDList(cos.get(positions.getManager(), rows), sin.get(positions.getManager(), rows));
    }

    /** Rotates x [heads, T, hd] with the tables of its T positions. */
    public NDArray apply(NDArray x, NDList tables) {
        NDList halves = x.split(2, 2);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 2);
        return x.mul(tables.get(0)).add(rotated.mul(tables.get(1)));
    }
}
