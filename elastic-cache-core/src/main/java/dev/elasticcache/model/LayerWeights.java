package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import dev.elasticcache.model.weights.Linear;

/**
 * One transformer block's parameters, laid out for the hot path: q/k/v fused into one projection and the
 * SwiGLU gate and up branches fused into another, so a row block multiplies each with a single product.
 * Matrices are {@link Linear}s: fp32 in memory, or 16-bit mapped from the checkpoint and widened per use.
 *
 * @param attnNorm RMSNorm weight before attention [d]
 * @param qkv fused [q | k | v] projection, W [(H + 2 Hkv) hd, d]
 * @param attnOut attention output projection, W [d, H hd]
 * @param ffNorm RMSNorm weight before the MLP [d]
 * @param gateUp fused [ff_proj (gate) | up_proj] projection, W [2 mlp, d]
 * @param down the MLP's ff_out, W [d, mlp]
 */
public record LayerWeights(NDArray attnNorm, Linear qkv, Linear attnOut, NDArray ffNorm, Linear gateUp, Linear down) {}
