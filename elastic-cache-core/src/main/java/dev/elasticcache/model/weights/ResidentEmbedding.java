package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * An embedding table in native memory: fp32 (also a trainable one), or fp16 for fp16 compute.
 *
 * @param table [vocab, d]
 */
public record ResidentEmbedding(NDArray table) implements TokenEmbedding {

    @Override
    public NDArray rows(NDArray ids) {
        NDArray rows = table.get(ids.getManager(), new NDIndex("{}", ids));
        return half() ? rows.toType(DataType.FLOAT32, false) : rows;
    }

    /** The transposed view of the same table: a tied head costs no second copy. */
    @Override
    public Linear asHead() {
        return new ResidentLinear(table.transpose());
    }

    @Override
    public long residentBytes() {
        return table.getShape().size() * table.getDataType().getNumOfBytes();
    }

    /** True for an fp16 table (fp16 compute): rows are widened to fp32 as they are looked up. */
    private boolean half() {
        return table.getDataType() == DataType.FLOAT16;
    }

    @Override
    public long mappedBytes() {
        return 0;
    }
}
