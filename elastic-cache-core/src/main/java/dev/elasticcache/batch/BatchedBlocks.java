package dev.elasticcache.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.elasticcache.model.AttentionOutput;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.Qkv;

/**
 * A model's fused blocks with the row-wise halves (projection, block completion, head) run through a
 * {@link StepBatcher}; RoPE, attention and everything else stay per sequence, on the caller's thread.
 */
final class BatchedBlocks implements ForwardBlocks {
    private final ForwardBlocks blocks;
    private final StepBatcher batcher;

    BatchedBlocks(ForwardBlocks blocks, StepBatcher batcher) {
        this.blocks = blocks;
        this.batcher = batcher;
    }

    @Override
    public NDList ropeTables(NDArray positions) {
        return blocks.ropeTables(positions);
    }

    @Override
    public NDArray qkvRows(int layer, NDArray h) {
        return batcher.run(OpKey.project(layer), new NDList(h), in -> blocks.qkvRows(layer, in.get(0)));
    }

    @Override
    public Qkv qkvHeads(NDArray qkvRows, NDList ropeTables) {
        return blocks.qkvHeads(qkvRows, ropeTables);
    }

    @Override
    public AttentionOutput attend(NDArray q, NDArray keysT, NDArray v) {
        return blocks.attend(q, keysT, v);
    }

    @Override
    public NDArray attentionProbs(NDArray q, NDArray keysT) {
        return blocks.attentionProbs(q, keysT);
    }

    @Override
    public NDArray completeBlock(int layer, NDArray h, NDArray context) {
        return batcher.run(OpKey.complete(layer), new NDList(h, context),
                in -> blocks.completeBlock(layer, in.get(0), in.get(1)));
    }

    @Override
    public NDArray logits(NDArray h) {
        return batcher.run(OpKey.LOGITS, new NDList(h), in -> blocks.logits(in.get(0)));
    }
}
