package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;

/**
 * All parameters of a LLaDA model in the hot-path layout (see {@link LayerWeights}).
 *
 * @param embedding token embedding table wte [embeddingSize, d]
 * @param layers the transformer blocks
 * @param finalNorm ln_f weight [d]
 * @param headT output head, transposed [d, embeddingSize] (wte transposed when the config ties weights)
 */
public record LladaWeights(NDArray embedding, LayerWeights[] layers, NDArray finalNorm, NDArray headT) {

    /**
     * Assembles the fused layout from tensors named as in a LLaDA checkpoint, each [out, in] as PyTorch's
     * Linear stores it. Works for loaded arrays and for trainable ones alike: fusing is differentiable.
     *
     * @param config the model configuration
     * @param tensor returns the array stored under a checkpoint tensor name
     * @param scope owns the fused arrays and transposed views this creates
     */
    public static LladaWeights assemble(LladaConfig config, Function<String, NDArray> tensor, NDManager scope) {
        LayerWeights[] layers = new LayerWeights[config.nLayers()];
        LladaTensorNaming names = config.tensorNaming();
        for (int l = 0; l < layers.length; l++) {
            int layer = l;
            Function<String, NDArray> part = name -> tensor.apply(names.block(layer, name));
            NDArray qkv = TensorOps.into(scope, TensorOps.concatRows(part.apply(LladaTensorLayout.Q_PROJ),
                    part.apply(LladaTensorLayout.K_PROJ), part.apply(LladaTensorLayout.V_PROJ)));
            NDArray gateUp = TensorOps.into(scope,
                    TensorOps.concatRows(part.apply(LladaTensorLayout.FF_PROJ), part.apply(LladaTensorLayout.UP_PROJ)));
            layers[l] = new LayerWeights(
                    part.apply(LladaTensorLayout.ATTN_NORM),
                    TensorOps.into(scope, qkv.transpose()),
                    TensorOps.into(scope, part.apply(LladaTensorLayout.ATTN_OUT).transpose()),
                    part.apply(LladaTensorLayout.FF_NORM),
                    TensorOps.into(scope, gateUp.transpose()),
                    TensorOps.into(scope, part.apply(LladaTensorLayout.FF_OUT).transpose()));
        }
        NDArray embedding = tensor.apply(names.embedding());
        NDArray head = config.weightTying() ? embedding : tensor.apply(names.head());
        return new LladaWeights(embedding, layers, tensor.apply(names.finalNorm()),
                TensorOps.into(scope, head.transpose()));
    }

    /** Every array of this model, for freeing or moving. */
    public NDList arrays() {
        NDList all = new NDList(embedding, finalNorm, headT);
        for (LayerWeights l : layers) {
            all.addAll(new NDList(l.attnNorm(), l.qkvT(), l.attnOutT(), l.ffNorm(), l.gateUpT(), l.downT()));
        }
        return all;
    }
}
