package dev.elasticcache.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.model.weights.WeightFootprint;

/**
 * What a decoding strategy needs from a diffusion LM, whatever its family: the forward as building blocks
 * ({@link ForwardBlocks}: RoPE tables, projection, attention, the rest of the block, the head), the embedding,
 * the fused blocks of the hot loops, and the config facts a decoder reads. {@link LladaModel} and
 * {@link DreamModel} implement it; the decoders take this interface, so each strategy has one implementation.
 *
 * <p>The one family difference a decoder must honour is {@link #logitsShift()}: with it, position p is
 * predicted by the logits row of position p-1 (Dream), without it by row p (LLaDA).
 */
public interface DiffusionModel extends ForwardBlocks, AutoCloseable {

    /** Where the weights are: fp32 in native memory, or 16-bit mapped from the checkpoint. */
    WeightFootprint weightFootprint();

    /** The model's family. */
    ModelFamily family();

    /** True when position p is predicted by logits row p-1 (dream.md §1.4); false when by row p. */
    default boolean logitsShift() {
        return family().shiftedLogits();
    }

    /** The manager that owns the weights; decoders open their scopes under it. */
    NDManager manager();

    default Device device() {
        return manager().getDevice();
    }

    /** The same forward blocks with the fewest native ops, bit for bit equal: what the decoders' hot loops use. */
    ForwardBlocks fused();

    /** Token embeddings [T, d] of int64 ids [T]; owned by the ids' manager. */
    NDArray embed(NDArray ids);

    /** Cache-free reference forward of a whole sequence at positions 0..N-1, unshifted: logits [N, logitsWidth]. */
    NDArray forward(NDArray ids);

    /** Number of transformer layers. */
    int layers();

    /** Query heads. */
    int heads();

    /** Key/value heads (GQA when fewer than {@link #heads()}). */
    int kvHeads();

    int headDim();

    /** Width of the residual stream. */
    int hiddenSize();

    /** Width of the MLP's hidden layer. */
    int mlpHiddenSize();

    /** Width of a logits row (rows of the output head; may exceed the tokenizer's vocabulary). */
    int logitsWidth();

    int maskTokenId();

    int eosTokenId();

    /** Longest sequence (prompt plus answer) the model's RoPE tables and config allow. */
    int maxLength();

    @Override
    void close();
}
