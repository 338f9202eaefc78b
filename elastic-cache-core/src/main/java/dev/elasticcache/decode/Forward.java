package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.Qkv;
import dev.elasticcache.model.TensorOps;

/** Forward-pass pieces shared by the cache-free paths of every strategy. */
final class Forward {
    private Forward() {}

    /**
     * Receives each layer's post-RoPE q/k/v during a full forward (to fill a cache). The arrays are freed when the
     * layer ends: a sink keeps what it needs by moving it (or a copy) into a longer-lived manager.
     */
    @FunctionalInterface
    interface LayerSink {
        void accept(int layer, Qkv qkv);

        LayerSink NONE = (layer, qkv) -> {};
    }

    /**
     * The forward blocks a decoder runs: the model's fused blocks, or the model's own op-by-op blocks for the
     * reference decoders (the tests' ReferenceDecoders). Both give the same numbers bit for bit.
     */
    static ForwardBlocks blocks(DiffusionModel model, boolean reference) {
        return reference ? model : model.fused();
    }

    /** The per-layer intra-op thread switch of a decode: {@link IntraOpThreads#unchanged} for the reference decoders. */
    static IntraOpThreads.Layers threads(DiffusionModel model, boolean reference) {
        return reference ? IntraOpThreads.unchanged(model) : IntraOpThreads.layers(model);
    }

    /** Final-layer hidden rows [N, d] of a cache-free forward over the whole sequence at positions 0..N-1. */
    static NDArray fullHidden(DiffusionModel model, NDManager scope, int[] tokens, LayerSink sink) {
        return fullHidden(model, model.fused(), scope, tokens, sink);
    }

    /** {@link #fullHidden(DiffusionModel, NDManager, int[], LayerSink)} through the given blocks. */
    static NDArray fullHidden(DiffusionModel model, ForwardBlocks blocks, NDManager scope, int[] tokens, LayerSink sink) {
        int n = tokens.length;
        NDList tables = blocks.ropeTables(TensorOps.range(scope, n));
        NDArray h = model.embed(TensorOps.indices(scope, tokens));
        for (int l = 0; l < model.layers(); l++) {
            // Each layer's intermediates live in a scope of their own (an op's result joins the manager of its
            // first operand, so moving h there routes the layer into it): the peak is one layer, not all of them.
            try (NDManager layerScope = scope.newSubManager()) {
                h.attach(layerScope);
                Qkv qkv = blocks.project(l, h, tables);
                sink.accept(l, qkv);
                h = blocks.completeBlock(l, h, blocks.attend(qkv.q(), LladaModel.keysT(qkv.k()), qkv.v()).context());
                h.attach(scope);
            }
        }
        return h;
    }

    /** Logits of the given rows of {@code hidden}, row-major [rows.length, vocab] in Java memory. */
    static float[] logitsAt(ForwardBlocks blocks, NDArray hidden, int[] rows) {
        NDManager scope = hidden.getManager();
        NDArray picked = hidden.get(scope, new NDIndex("{}", TensorOps.indices(scope, rows)));
        return blocks.logits(picked).toFloatArray();
    }

    /**
     * The logits rows that decide {@code positions}, in their order: the positions themselves, or p-1 for each
     * position p when the family's logits are shifted (Dream: row p-1 predicts position p, dream.md §1.4). Every
     * strategy reads its logits through this one mapping.
     */
    static int[] logitRows(DiffusionModel model, int[] positions) {
        return model.logitsShift() ? shift(positions, 1) : positions;
    }

    /** Rows fed before {@code position} so that its deciding logits row is computed: 1 when shifted, else 0. */
    static int lead(DiffusionModel model) {
        return model.logitsShift() ? 1 : 0;
    }

    /** Positions from..to-1. */
    static int[] span(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    /** Subtracts {@code offset} from every position (absolute to relative rows). */
    static int[] shift(int[] positions, int offset) {
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = positions[i] - offset;
        }
        return out;
    }
}
