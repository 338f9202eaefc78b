package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;

/**
 * One Dream (Qwen2) block's parameters in the hot-path layout: q/k/v fused into one projection with one
 * fused bias, and the SiLU gate and up branches fused into another, each weight stored transposed
 * ([in, out]) so a row block multiplies with a single matMul.
 *
 * @param inputNorm RMSNorm weight before attention ({@code input_layernorm}) [d]
 * @param qkvT fused [q | k | v] projection, transposed [d, (H + 2 Hkv) hd]
 * @param qkvBias fused [q | k | v] bias [(H + 2 Hkv) hd], or null when the config has no attention bias
 * @param oT attention output projection ({@code o_proj}, no bias), transposed [H hd, d]
 * @param postNorm RMSNorm weight before the MLP ({@code post_attention_layernorm}) [d]
 * @param gateUpT fused [gate_proj | up_proj] projection, transposed [d, 2 mlp]
 * @param downT {@code down_proj}, transposed [mlp, d]
 */
public record DreamLayerWeights(
        NDArray inputNorm, NDArray qkvT, NDArray qkvBias, NDArray oT, NDArray postNorm, NDArray gateUpT, NDArray downT) {}
