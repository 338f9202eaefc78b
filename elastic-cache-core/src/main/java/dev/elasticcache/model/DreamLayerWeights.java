package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import dev.elasticcache.model.weights.Linear;

/**
 * One Dream (Qwen2) block's parameters in the hot-path layout: q/k/v fused into one projection with one
 * fused bias, and the SiLU gate and up branches fused into another (see {@link LayerWeights}).
 *
 * @param inputNorm RMSNorm weight before attention ({@code input_layernorm}) [d]
 * @param qkv fused [q | k | v] projection, W [(H + 2 Hkv) hd, d]
 * @param qkvBias fused [q | k | v] bias [(H + 2 Hkv) hd], or null when the config has no attention bias
 * @param o attention output projection ({@code o_proj}, no bias), W [d, H hd]
 * @param postNorm RMSNorm weight before the MLP ({@code post_attention_layernorm}) [d]
 * @param gateUp fused [gate_proj | up_proj] projection, W [2 mlp, d]
 * @param down {@code down_proj}, W [d, mlp]
 */
public record DreamLayerWeights(
        NDArray inputNorm, Linear qkv, NDArray qkvBias, Linear o, NDArray postNorm, Linear gateUp, Linear down) {}
