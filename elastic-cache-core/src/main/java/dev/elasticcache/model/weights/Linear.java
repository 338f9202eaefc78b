package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;

/**
 * A weight matrix W [out, in], as PyTorch's Linear stores it, applied to rows: {@code x W^T}. Whether W lives
 * in native memory as fp32 ({@link ResidentLinear}) or stays 16-bit in a mapped file ({@link MappedLinear}) is
 * the implementation's business; the product is the same fp32 product either way.
 */
public interface Linear {

    /** {@code x W^T}: rows [T, in] to [T, out], owned by the manager of {@code x}. */
    NDArray apply(NDArray x);

    /** Rows of W (the output width). */
    long outFeatures();

    /** Columns of W (the input width). */
    long inFeatures();

    /** Bytes this matrix holds in memory for the model's lifetime (0 when it is mapped from a file). */
    long residentBytes();

    /** Bytes this matrix reads from its mapped checkpoint file on every use (0 when it is resident). */
    long mappedBytes();
}
