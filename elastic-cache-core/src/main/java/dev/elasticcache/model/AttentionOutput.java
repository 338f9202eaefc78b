package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;

/**
 * Result of attending a block of query rows over a key/value set.
 *
 * @param context attention output before attn_out, [T, H hd]
 * @param probs attention probabilities [H, T, N] (softmax over keys)
 */
public record AttentionOutput(NDArray context, NDArray probs) {}
