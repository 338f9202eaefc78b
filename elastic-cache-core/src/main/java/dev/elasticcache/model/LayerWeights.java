package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;

/**
 * One transformer block's parameters, laid out for the hot path: q/k/v fused into one projection and the
 * SwiGLU gate and up branches fused into another, each stored transposed ([in, out]) so a row block
 * multiplies with a single matMul.
 *
 * @param attnNorm RMSNorm weight before attention [d]
 * @param qkvT fused [q | k | v] projection, transposed [d, (H + 2 Hkv) hd]
 * @param attnOutT attention output projection, transposed [H hd, d]
 * @param ffNorm RMSNorm weight before the MLP [d]
 * @param gateUpT fused [ff_proj (gate) | up_proj] projection, transposed [d, 2 mlp]
 * @param downT the MLP's ff_out, transposed [mlp, d]
 */
public record LayerWeights(
        NDArray attnNorm, NDArray qkvT, NDArray attnOutT, NDArray ffNorm, NDArray gateUpT, NDArray downT) {}
