package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * A model that forwards everything to another one: the base of decorators that change one aspect of a
 * model for decoding (stacked row-wise ops, image rows in the embedding). Closing it does not close the model.
 */
public abstract class ForwardingDiffusionModel implements DiffusionModel {
    protected final DiffusionModel model;

    protected ForwardingDiffusionModel(DiffusionModel model) {
        this.model = model;
    }

    /** The model underneath. */
    public DiffusionModel model() {
        return model;
    }

    @Override
    public ForwardBlocks fused() {
        return model.fused();
    }

    @Override
    public ModelFamily family() {
        return model.family();
    }

    @Override
    public dev.elasticcache.model.weights.WeightFootprint weightFootprint() {
        return model.weightFootprint();
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

    /** Leaves the model open: whoever loaded it closes it. */
    @Override
    public void close() {}
}
