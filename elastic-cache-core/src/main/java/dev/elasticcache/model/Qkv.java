package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;

/**
 * Post-RoPE query, key and value heads of a block of rows.
 *
 * @param q [H, T, hd]
 * @param k [Hkv, T, hd]
 * @param v [Hkv, T, hd]
 */
public record Qkv(NDArray q, NDArray k, NDArray v) {}
