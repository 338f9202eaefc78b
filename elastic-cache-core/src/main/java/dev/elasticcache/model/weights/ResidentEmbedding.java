package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * An fp32 embedding table in native memory (also a trainable one).
 *
 * @param table [vocab, d]
 */
public record ResidentEmbedding(NDArray table) implements TokenEmbedding {

    @Override
    public NDArray rows(NDArray ids) {
        return table.get(ids.getManager(), new NDIndex("{}", ids));
    }

    /** The transposed view of the same table: a tied head costs no second copy. */
    @Override
    public Linear asHead() {
        return new ResidentLinear(table.transpose());
    }

    @Override
    public long residentBytes() {
        return table.getShape().size() * 4;
    }

    @Override
    public long mappedBytes() {
        return 0;
    }
}
