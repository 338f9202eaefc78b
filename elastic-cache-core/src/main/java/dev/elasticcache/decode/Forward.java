package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.Qkv;
import dev.elasticcache.model.TensorOps;

/** Forward-pass pieces shared by the cache-free paths of every strategy. */
final class Forward {
    private Forward() {}

    /** Receives each layer's post-RoPE q/k/v during a full forward (to fill a cache). */
    @FunctionalInterface
    interface LayerSink {
        void accept(int layer, Qkv qkv);

        LayerSink NONE = (layer, qkv) -> {};
    }

    /** Final-layer hidden rows [N, d] of a cache-free forward over the whole sequence at positions 0..N-1. */
    static NDArray fullHidden(LladaModel model, NDManager scope, int[] tokens, LayerSink sink) {
        int n = tokens.length;
        NDList tables = model.ropeTables(TensorOps.range(scope, n));
        NDArray h = model.embed(TensorOps.indices(scope, tokens));
        for (int l = 0; l < model.config().nLayers(); l++) {
            Qkv qkv = model.project(l, h, tables);
            sink.accept(l, qkv);
            h = model.completeBlock(l, h, model.attend(qkv.q(), LladaModel.keysT(qkv.k()), qkv.v()).context());
        }
        return h;
    }

    /** Logits of the given rows of {@code hidden}, row-major [rows.length, vocab] in Java memory. */
    static float[] logitsAt(LladaModel model, NDArray hidden, int[] rows) {
        NDManager scope = hidden.getManager();
        NDArray picked = hidden.get(scope, new NDIndex("{}", TensorOps.indices(scope, rows)));
        return model.logits(picked).toFloatArray();
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
