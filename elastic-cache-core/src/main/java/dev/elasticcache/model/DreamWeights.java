package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;

/**
 * All parameters of a Dream model in the hot-path layout (see {@link DreamLayerWeights}).
 *
 * @param embedding token embedding table {@code model.embed_tokens.weight} [vocab, d]
 * @param layers the transformer blocks
 * @param finalNorm {@code model.norm.weight} [d]
 * @param headT output head, transposed [d, vocab] ({@code lm_head.weight}, or the embedding when tied)
 */
public record DreamWeights(NDArray embedding, DreamLayerWeights[] layers, NDArray finalNorm, NDArray headT) {

    /**
     * Assembles the fused layout from tensors named as in a Dream checkpoint, each [out, in] as PyTorch's
     * Linear stores it.
     *
     * @param config the model configuration
     * @param tensor returns the array stored under a checkpoint tensor name
     * @param scope owns the fused arrays and transposed views this creates
     */
    public static DreamWeights assemble(DreamConfig config, Function<String, NDArray> tensor, NDManager scope) {
        DreamLayerWeights[] layers = new DreamLayerWeights[config.numHiddenLayers()];
        for (int l = 0; l < layers.length; l++) {
            NDArray qkv = TensorOps.into(scope, TensorOps.concatRows(
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.Q_PROJ)),
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.K_PROJ)),
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.V_PROJ))));
            NDArray bias = null;
            if (config.attentionBias()) {
                bias = TensorOps.into(scope, TensorOps.concatRows(
                        tensor.apply(DreamTensorLayout.bias(l, DreamTensorLayout.Q_PROJ)),
                        tensor.apply(DreamTensorLayout.bias(l, DreamTensorLayout.K_PROJ)),
                        tensor.apply(DreamTensorLayout.bias(l, DreamTensorLayout.V_PROJ))));
            }
            NDArray gateUp = TensorOps.into(scope, TensorOps.concatRows(
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.GATE_PROJ)),
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.UP_PROJ))));
            layers[l] = new DreamLayerWeights(
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.INPUT_NORM)),
                    TensorOps.into(scope, qkv.transpose()),
                    bias,
                    TensorOps.into(scope, tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.O_PROJ)).transpose()),
                    tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.POST_ATTENTION_NORM)),
                    TensorOps.into(scope, gateUp.transpose()),
                    TensorOps.into(scope, tensor.apply(DreamTensorLayout.weight(l, DreamTensorLayout.DOWN_PROJ)).transpose()));
        }
        NDArray embedding = tensor.apply(DreamTensorLayout.EMBEDDING);
        NDArray head = config.tieWordEmbeddings() ? embedding : tensor.apply(DreamTensorLayout.HEAD);
        return new DreamWeights(embedding, layers, tensor.apply(DreamTensorLayout.FINAL_NORM),
                TensorOps.into(scope, head.transpose()));
    }

    /** Every array of this model, for freeing or moving. */
    public NDList arrays() {
        NDList all = new NDList(embedding, finalNorm, headT);
        for (DreamLayerWeights l : layers) {
            all.addAll(new NDList(l.inputNorm(), l.qkvT(), l.oT(), l.postNorm(), l.gateUpT(), l.downT()));
            if (l.qkvBias() != null) {
                all.add(l.qkvBias());
            }
        }
        return all;
    }
}
