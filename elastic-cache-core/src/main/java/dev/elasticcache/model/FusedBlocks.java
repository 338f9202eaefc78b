package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * {@link LladaModel}'s forward blocks with fewer native ops and no per-call scalar tensors, for the decoders'
 * hot loops. Every result is bit for bit the reference block's (same kernels on the same values in the same
 * order; {@code LladaModelTest} checks it), so decoders decide exactly as before:
 *
 * <ul>
 *   <li>q and k are rotated together, rows first, with cos and a sign-folded sin table broadcast over heads:
 *       five ops for both instead of six each, and one reshape/split/transpose chain instead of three
 *       ({@link RotaryEmbedding#applyRows});
 *   <li>the RMSNorm epsilon is a tensor made once: DJL's {@code add(Number)} creates and frees a native scalar
 *       on every call, which costs several times the add itself on small rows.
 * </ul>
 */
public final class FusedBlocks implements ForwardBlocks {
    private final LladaModel model;
    private final LladaConfig config;
    private final RotaryEmbedding rope;
    /** The RMSNorm epsilon as an fp32 scalar tensor: the value the reference's float64 scalar is cast to. */
    private final NDArray eps;

    FusedBlocks(LladaModel model, RotaryEmbedding rope, NDManager manager) {
        this.model = model;
        this.config = model.config();
        this.rope = rope;
        this.eps = manager.create((float) config.rmsNormEps());
    }

    /** RMSNorm as {@link LladaModel#rmsNorm}, with the epsilon tensor made once. */
    public NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }

    /** cos and sign-folded sin rows [T, 1, hd] of the positions. */
    @Override
    public NDList ropeTables(NDArray positions) {
        return rope.rowTables(positions);
    }

    @Override
    public NDArray qkvRows(int layer, NDArray h) {
        LayerWeights w = model.weights().layers()[layer];
        return w.qkv().apply(rmsNorm(h, w.attnNorm()));
    }

    @Override
    public Qkv qkvHeads(NDArray qkvRows, NDList ropeTables) {
        long rows = qkvRows.getShape().get(0);
        int heads = config.nHeads();
        int kv = config.nKvHeads();
        // [T, (H + 2 Hkv) hd] -> rows first [T, H + 2 Hkv, hd]; q and k heads are rotated in one go.
        NDList parts = qkvRows.reshape(rows, heads + 2L * kv, config.headDim()).split(new long[] {heads + kv}, 1);
        NDList qk = rope.applyRows(parts.get(0), ropeTables).transpose(1, 0, 2).split(new long[] {heads}, 0);
        return new Qkv(qk.get(0), qk.get(1), parts.get(1).transpose(1, 0, 2));
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
        LayerWeights w = model.weights().layers()[layer];
        NDArray x = h.add(w.attnOut().apply(context));
        return TensorOps.swiGluResidual(x, rmsNorm(x, w.ffNorm()), w.gateUp(), w.down());
    }

    @Override
    public NDArray logits(NDArray h) {
        return model.weights().head().apply(rmsNorm(h, model.weights().finalNorm()));
    }
}
