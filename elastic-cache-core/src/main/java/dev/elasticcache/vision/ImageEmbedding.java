package dev.elasticcache.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The embedding rows one image contributes to the language model's input, in place of the
 * {@value VisionConfig#IMAGE_PLACEHOLDER} placeholder: {@code [tokens, hidden]} row-major.
 *
 * @param data        the rows, {@code tokens * hidden} floats
 * @param tokens      number of rows
 * @param hidden      row width (the language model's hidden size)
 * @param layout      where the base tile, the grid rows and the newline vectors lie
 * @param imageWidth  the original image width in pixels
 * @param imageHeight the original image height in pixels
 */
public record ImageEmbedding(float[] data, int tokens, int hidden, SpatialUnpad.Layout layout, int imageWidth,
                             int imageHeight) {

    public ImageEmbedding {
        if ((long) tokens * hidden != data.length) {
            throw new IllegalArgumentException(tokens + " x " + hidden + " embedding needs " + ((long) tokens * hidden)
                    + " values, got " + data.length);
        }
    }

    /** Row {@code t} as a copy. */
    public float[] row(int t) {
        float[] out = new float[hidden];
        System.arraycopy(data, t * hidden, out, 0, hidden);
        return out;
    }

    /** The rows as a {@code [tokens, hidden]} float32 array owned by {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(tokens, hidden));
    }

    @Override
    public String toString() {
        return "ImageEmbedding[" + tokens + " x " + hidden + ", image " + imageWidth + "x" + imageHeight + ", " + layout + "]";
    }
}
