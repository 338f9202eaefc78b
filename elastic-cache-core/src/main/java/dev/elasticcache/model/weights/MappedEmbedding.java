package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * An embedding table that stays 16-bit in its mapped file: a lookup widens just the rows asked for.
 *
 * @param stored the table [vocab, d]
 * @param scratch widening buffers for {@link #asHead()}
 */
public record MappedEmbedding(StoredTensor stored, WidenScratch scratch) implements TokenEmbedding {

    @Override
    public NDArray rows(NDArray ids) {
        long[] tokens = ids.toLongArray();
        int d = Math.toIntExact(stored.cols());
        float[] out = new float[Math.multiplyExact(tokens.length, d)];
        FloatBuffer dst = FloatBuffer.wrap(out);
        for (int i = 0; i < tokens.length; i++) {
            long token = tokens[i];
            if (token < 0 || token >= stored.rows()) {
                throw new IndexOutOfBoundsException("token id " + token + " is outside the embedding table of "
                        + stored.rows() + " rows");
            }
            try {
                stored.widenInto(token * d, d, dst, i * d);
            } catch (InternalError e) {
                throw stored.unreadable(e);
            }
        }
        return ids.getManager().create(out, new Shape(tokens.length, d));
    }

    @Override
    public Linear asHead() {
        return new MappedLinear(List.of(stored), scratch);
    }

    @Override
    public long residentBytes() {
        return 0;
    }

    @Override
    public long mappedBytes() {
        return stored.rows() * stored.cols() * 2;
    }
}
