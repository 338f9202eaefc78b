package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The building blocks of one LLaDA forward that a decoder chains: RoPE tables, projection, attention, the rest
 * of the block and the head. {@link LladaModel} implements them op by op as the reference; {@link FusedBlocks}
 * gives the same numbers bit for bit with fewer native ops per call. Tables from one implementation only go
 * back into that implementation's {@link #project}.
 */
public interface ForwardBlocks {

    /** RoPE tables for the given int64 absolute positions [T], in this implementation's layout. */
    NDList ropeTables(NDArray positions);

    /**
     * Attention-normalised projection of layer inputs h [T, d] to post-RoPE q [H, T, hd], k and v [Hkv, T, hd]:
     * {@link #qkvHeads} of {@link #qkvRows}, the same ops in the same order.
     */
    default Qkv project(int layer, NDArray h, NDList ropeTables) {
        return qkvHeads(qkvRows(layer, h), ropeTables);
    }

    /**
     * The row-wise half of {@link #project}: normalised rows times the fused q/k/v weights (and bias),
     * [T, (H + 2 Hkv) hd]. Row t depends on row t of {@code h} only, so rows of several sequences may be stacked.
     */
    NDArray qkvRows(int layer, NDArray h);

    /** The per-sequence half of {@link #project}: q/k/v heads of {@link #qkvRows} with RoPE at the rows' positions. */
    Qkv qkvHeads(NDArray qkvRows, NDList ropeTables);

    /** Attention of q [H, T, hd] over keys transposed [Hkv, hd, N] and values [Hkv, N, hd]. */
    AttentionOutput attend(NDArray q, NDArray keysT, NDArray v);

    /** Attention probabilities [H, T, N] only. */
    NDArray attentionProbs(NDArray q, NDArray keysT);

    /** attn_out with its residual, then the SwiGLU MLP with its residual: the block's output rows [T, d]. */
    NDArray completeBlock(int layer, NDArray h, NDArray context);

    /** Output logits [T, embeddingSize] of final-layer rows [T, d]. */
    NDArray logits(NDArray h);
}
