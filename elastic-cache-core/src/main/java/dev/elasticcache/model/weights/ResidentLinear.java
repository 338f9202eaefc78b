package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;

/**
 * A weight held as an fp32 array: the transposed view [in, out] of W (for a loaded model, of a contiguous
 * [out, in] copy, the layout libtorch's GEMM multiplies fastest). Also wraps trainable arrays: the product is
 * differentiable.
 *
 * @param transposed W^T [in, out]
 */
public record ResidentLinear(NDArray transposed) implements Linear {

    @Override
    public NDArray apply(NDArray x) {
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
        return transposed.getShape().size() * 4;
    }

    @Override
    public long mappedBytes() {
        return 0;
    }
}
