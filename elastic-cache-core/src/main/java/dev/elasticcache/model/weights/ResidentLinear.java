package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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

    /**
     * The rows of W [out_i, in] arrays one after the other as a linear over the transposed view; the concatenation
     * and the view are owned by {@code scope}, the given arrays stay where they are (a trainer's parameters).
     */
    public static ResidentLinear of(NDManager scope, NDArray... parts) {
        NDArray w = parts[0];
        if (parts.length > 1) {
            w = NDArrays.concat(new NDList(parts), 0);
            w.attach(scope);
        }
        NDArray view = w.transpose();
        view.attach(scope);
        return new ResidentLinear(view);
    }

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
