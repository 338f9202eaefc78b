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
 * All parameters of a LLaDA model in the hot-path layout (see {@link LayerWeights}).
 *
 * @param embedding token embedding table wte [embeddingSize, d]
 * @param layers the transformer blocks
 * @param finalNorm ln_f weight [d]
 * @param head output head, W [embeddingSize, d] (wte itself when the config ties weights)
 */
public record LladaWeights(TokenEmbedding embedding, LayerWeights[] layers, NDArray finalNorm, Linear head) {

    /** Loads every tensor through {@code loader}: fp32 in memory, or 16-bit mapped, as the loader was built. */
    public static LladaWeights load(LladaConfig config, WeightLoader loader) {
        LladaTensorNaming names = config.tensorNaming();
        LayerWeights[] layers = new LayerWeights[config.nLayers()];
        for (int l = 0; l < layers.length; l++) {
            int layer = l;
            Function<String, String> part = name -> names.block(layer, name);
            layers[l] = new LayerWeights(
                    loader.vector(part.apply(LladaTensorLayout.ATTN_NORM)),
                    loader.linear(part.apply(LladaTensorLayout.Q_PROJ), part.apply(LladaTensorLayout.K_PROJ),
                            part.apply(LladaTensorLayout.V_PROJ)),
                    loader.linear(part.apply(LladaTensorLayout.ATTN_OUT)),
                    loader.vector(part.apply(LladaTensorLayout.FF_NORM)),
                    loader.linear(part.apply(LladaTensorLayout.FF_PROJ), part.apply(LladaTensorLayout.UP_PROJ)),
                    loader.linear(part.apply(LladaTensorLayout.FF_OUT)));
        }
        TokenEmbedding embedding = loader.embedding(names.embedding());
        Linear head = config.weightTying() ? embedding.asHead() : loader.linear(names.head());
        return new LladaWeights(embedding, layers, loader.vector(names.finalNorm()), head);
    }

    /**
     * Assembles the fused layout from arrays named as in a LLaDA checkpoint, each [out, in] as PyTorch's Linear
     * stores it: the trainer's path (fusing is differentiable).
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
            layers[l] = new LayerWeights(
                    part.apply(LladaTensorLayout.ATTN_NORM),
                    ResidentLinear.of(scope, part.apply(LladaTensorLayout.Q_PROJ), part.apply(LladaTensorLayout.K_PROJ),
                            part.apply(LladaTensorLayout.V_PROJ)),
                    ResidentLinear.of(scope, part.apply(LladaTensorLayout.ATTN_OUT)),
                    part.apply(LladaTensorLayout.FF_NORM),
                    ResidentLinear.of(scope, part.apply(LladaTensorLayout.FF_PROJ), part.apply(LladaTensorLayout.UP_PROJ)),
                    ResidentLinear.of(scope, part.apply(LladaTensorLayout.FF_OUT)));
        }
        NDArray embedding = tensor.apply(names.embedding());
        NDArray head = config.weightTying() ? embedding : tensor.apply(names.head());
        return new LladaWeights(new ResidentEmbedding(embedding), layers, tensor.apply(names.finalNorm()), ResidentLinear.of(scope, head));
    }

    /** Where the weights are; a tied head is counted once, as the embedding. */
    public WeightFootprint footprint(boolean tiedHead) {
        WeightFootprint.Tally t = new WeightFootprint.Tally().add(embedding).add(finalNorm).add(tiedHead ? null : head);
        for (LayerWeights l : layers) {
            t.add(l.attnNorm()).add(l.qkv()).add(l.attnOut()).add(l.ffNorm()).add(l.gateUp()).add(l.down());
        }
        return t.footprint();
    }
}
