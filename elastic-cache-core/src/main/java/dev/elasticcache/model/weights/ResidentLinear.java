package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A weight held in native memory: the transposed view [in, out] of W (for a loaded model, of a contiguous [out, in]
 * copy, the layout libtorch's GEMM multiplies fastest). Also wraps trainable arrays: the product is differentiable.
 *
 * <p>An fp32 weight multiplies fp32 rows. An fp16 one ({@link WeightStorage#FP16_COMPUTE}) multiplies in fp16: the
 * rows are narrowed, multiplied and the product widened back, so norms, softmax and residuals stay fp32. That is a
 * GPU's fast path (tensor cores); on a CPU without fp16 arithmetic it is correct but slow, and its tokens may differ
 * from fp32's.
 *
 * @param transposed W^T [in, out], fp32 or fp16
 */
public record ResidentLinear(NDArray transposed) implements Linear {

    @Override
    public NDArray apply(NDArray x) {
        if (transposed.getDataType() == DataType.FLOAT16) {
            return x.toType(DataType.FLOAT16, false).matMul(transposed).toType(DataType.FLOAT32, false);
        }
        return x.matMul(transposed);
    }

    @Override
    public long outFeatures() {
        return transposed.getShape().get(1);
    }

    @Override
    public long inFeatures() {
        return transposed.getShape().get(0);
    }

    @Override
    public long residentBytes() {
        return transposed.getShape().size() * transposed.getDataType().getNumOfBytes();
    }

    @Override
    public long mappedBytes() {
        return 0;
    }
}
