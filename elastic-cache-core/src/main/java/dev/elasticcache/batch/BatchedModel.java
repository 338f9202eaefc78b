package dev.elasticcache.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.model.AttentionOutput;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.model.Qkv;
import java.time.Duration;

/**
 * A model whose {@link #fused()} blocks stack the row-wise work of every sequence decoding at the same time
 * ({@link StepBatcher}); every decoder runs on it unchanged. The op-by-op blocks (the reference decoders) and
 * everything else are the model's own. Closing it does not close the model.
 */
public final class BatchedModel implements DiffusionModel {
    private final DiffusionModel model;
    private final StepBatcher batcher;
    private final ForwardBlocks fused;

    /**
     * @param maxWait how long a member's op waits for a busy member before its round starts without it
     * @param parallelism chunks a round of stacked ops may be split into (run by that many member threads at once)
     */
    public BatchedModel(DiffusionModel model, Duration maxWait, int parallelism) {
        this.model = model;
        this.batcher = new StepBatcher(model.manager(), maxWait, key -> rowFlops(model, key), parallelism);
        this.fused = new BatchedBlocks(model.fused(), batcher);
    }

    /** Matmul FLOPs of one row of an op. */
    static double rowFlops(DiffusionModel m, OpKey key) {
        double d = m.hiddenSize();
        double attention = (double) m.heads() * m.headDim();
        switch (key.phase()) {
            case OpKey.PROJECT:
                return 2 * d * (m.heads() + 2.0 * m.kvHeads()) * m.headDim();
            case OpKey.COMPLETE:
                return 2 * attention * d + 6 * d * m.mlpHiddenSize();
            default:
                return 2 * d * m.logitsWidth();
        }
    }

    /** The batcher: decode threads {@link StepBatcher#join} and {@link StepBatcher#leave} it. */
    public StepBatcher batcher() {
        return batcher;
    }

    /** The model underneath. */
    public DiffusionModel model() {
        return model;
    }

    @Override
    public ForwardBlocks fused() {
        return fused;
    }

    @Override
    public ModelFamily family() {
        return model.family();
    }

    @Override
    public boolean logitsShift() {
        return model.logitsShift();
    }

    @Override
    public NDManager manager() {
        return model.manager();
    }

    @Override
    public NDArray embed(NDArray ids) {
        return model.embed(ids);
    }

    @Override
    public NDArray forward(NDArray ids) {
        return model.forward(ids);
    }

    @Override
    public int layers() {
        return model.layers();
    }

    @Override
    public int heads() {
        return model.heads();
    }

    @Override
    public int kvHeads() {
        return model.kvHeads();
    }

    @Override
    public int headDim() {
        return model.headDim();
    }

    @Override
    public int hiddenSize() {
        return model.hiddenSize();
    }

    @Override
    public int mlpHiddenSize() {
        return model.mlpHiddenSize();
    }

    @Override
    public int logitsWidth() {
        return model.logitsWidth();
    }

    @Override
    public int maskTokenId() {
        return model.maskTokenId();
    }

    @Override
    public int eosTokenId() {
        return model.eosTokenId();
    }

    @Override
    public int maxLength() {
        return model.maxLength();
    }

    @Override
    public NDList ropeTables(NDArray positions) {
        return model.ropeTables(positions);
    }

    @Override
    public Qkv project(int layer, NDArray h, NDList ropeTables) {
        return model.project(layer, h, ropeTables);
    }

    @Override
    public NDArray qkvRows(int layer, NDArray h) {
        return model.qkvRows(layer, h);
    }

    @Override
    public Qkv qkvHeads(NDArray qkvRows, NDList ropeTables) {
        return model.qkvHeads(qkvRows, ropeTables);
    }

    @Override
    public AttentionOutput attend(NDArray q, NDArray keysT, NDArray v) {
        return model.attend(q, keysT, v);
    }

    @Override
    public NDArray attentionProbs(NDArray q, NDArray keysT) {
        return model.attentionProbs(q, keysT);
    }

    @Override
    public NDArray completeBlock(int layer, NDArray h, NDArray context) {
        return model.completeBlock(layer, h, context);
    }

    @Override
    public NDArray logits(NDArray h) {
        return model.logits(h);
    }

    /** Leaves the model open: the engine that loaded it closes it. */
    @Override
    public void close() {}
}
