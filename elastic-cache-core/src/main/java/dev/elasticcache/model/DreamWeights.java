package dev.elasticcache.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.model.weights.Linear;
import dev.elasticcache.model.weights.ResidentEmbedding;
import dev.elasticcache.model.weights.ResidentLinear;
import dev.elasticcache.model.weights.TokenEmbedding;
import dev.elasticcache.model.weights.WeightFootprint;
import dev.elasticcache.model.weights.WeightLoader;
import java.util.function.Function;

/**
 * All parameters of a Dream model in the hot-path layout (see {@link DreamLayerWeights}).
 *
 * @param embedding token embedding table {@code model.embed_tokens.weight} [vocab, d]
 * @param layers the transformer blocks
 * @param finalNorm {@code model.norm.weight} [d]
 * @param head output head, W [vocab, d] ({@code lm_head.weight}, or the embedding when tied)
 */
public record DreamWeights(TokenEmbedding embedding, DreamLayerWeights[] layers, NDArray finalNorm, Linear head) {

    /** Loads every tensor through {@code loader}: fp32 in memory, or 16-bit mapped, as the loader was built. */
    public static DreamWeights load(DreamConfig config, WeightLoader loader) {
        DreamLayerWeights[] layers = new DreamLayerWeights[config.numHiddenLayers()];
        for (int l = 0; l < layers.length; l++) {
            int layer = l;
            Function<String, String> weight = part -> DreamTensorLayout.weight(layer, part);
            Function<String, String> bias = part -> DreamTensorLayout.bias(layer, part);
            layers[l] = new DreamLayerWeights(
                    loader.vector(weight.apply(DreamTensorLayout.INPUT_NORM)),
                    loader.linear(weight.apply(DreamTensorLayout.Q_PROJ), weight.apply(DreamTensorLayout.K_PROJ),
                            weight.apply(DreamTensorLayout.V_PROJ)),
                    config.attentionBias() ? loader.vector(bias.apply(DreamTensorLayout.Q_PROJ),
                            bias.apply(DreamTensorLayout.K_PROJ), bias.apply(DreamTensorLayout.V_PROJ)) : null,
                    loader.linear(weight.apply(DreamTensorLayout.O_PROJ)),
                    loader.vector(weight.apply(DreamTensorLayout.POST_ATTENTION_NORM)),
                    loader.linear(weight.apply(DreamTensorLayout.GATE_PROJ), weight.apply(DreamTensorLayout.UP_PROJ)),
                    loader.linear(weight.apply(DreamTensorLayout.DOWN_PROJ)));
        }
        TokenEmbedding embedding = loader.embedding(DreamTensorLayout.EMBEDDING);
        Linear head = config.tieWordEmbeddings() ? embedding.asHead() : loader.linear(DreamTensorLayout.HEAD);
        return new DreamWeights(embedding, layers, loader.vector(DreamTensorLayout.FINAL_NORM), head);
    }

    /**
     * Assembles the fused layout from arrays named as in a Dream checkpoint, each [out, in] as PyTorch's Linear
     * stores it.
     *
     * @param config the model configuration
     * @param tensor returns the array stored under a checkpoint tensor name
     * @param scope owns the fused arrays and transposed views this creates
     */
    public static DreamWeights assemble(DreamConfig config, Function<String, NDArray> tensor, NDManager scope) {
        DreamLayerWeights[] layers = new DreamLayerWeights[config.numHiddenLayers()];
        for (int l = 0; l < layers.length; l++) {
            int layer = l;
            Function<String, NDArray> weight = part -> tensor.apply(DreamTensorLayout.weight(layer, part));
            Function<String, NDArray> bias = part -> tensor.apply(DreamTensorLayout.bias(layer, part));
            layers[l] = new DreamLayerWeights(
                    weight.apply(DreamTensorLayout.INPUT_NORM),
                    ResidentLinear.of(scope, weight.apply(DreamTensorLayout.Q_PROJ), weight.apply(DreamTensorLayout.K_PROJ),
                            weight.apply(DreamTensorLayout.V_PROJ)),
                    config.attentionBias() ? TensorOps.into(scope, TensorOps.concatRows(bias.apply(DreamTensorLayout.Q_PROJ),
                            bias.apply(DreamTensorLayout.K_PROJ), bias.apply(DreamTensorLayout.V_PROJ))) : null,
                    ResidentLinear.of(scope, weight.apply(DreamTensorLayout.O_PROJ)),
                    weight.apply(DreamTensorLayout.POST_ATTENTION_NORM),
                    ResidentLinear.of(scope, weight.apply(DreamTensorLayout.GATE_PROJ), weight.apply(DreamTensorLayout.UP_PROJ)),
                    ResidentLinear.of(scope, weight.apply(DreamTensorLayout.DOWN_PROJ)));
        }
        NDArray embedding = tensor.apply(DreamTensorLayout.EMBEDDING);
        NDArray head = config.tieWordEmbeddings() ? embedding : tensor.apply(DreamTensorLayout.HEAD);
        return new DreamWeights(new ResidentEmbedding(embedding), layers, tensor.apply(DreamTensorLayout.FINAL_NORM),
                ResidentLinear.of(scope, head));
    }

    /** Where the weights are; a tied head is counted once, as the embedding. */
    public WeightFootprint footprint(boolean tiedHead) {
        WeightFootprint.Tally t = new WeightFootprint.Tally().add(embedding).add(finalNorm).add(tiedHead ? null : head);
        for (DreamLayerWeights l : layers) {
            t.add(l.inputNorm()).add(l.qkv()).add(l.qkvBias()).add(l.o()).add(l.postNorm()).add(l.gateUp()).add(l.down());
        }
        return t.footprint();
    }
}
