package dev.elasticcache.vision;

/**
 * Tensor names of the vision half of a LLaDA-V checkpoint, as the module tree of LLaDA-V's
 * {@code LlavaLLaDAModelLM} names them: {@code model} (LlavaLLaDAModel) holds {@code vision_tower}
 * (SigLipVisionTower), whose {@code vision_tower} (SigLipVisionModel) holds {@code vision_model}
 * (SigLipVisionTransformer: {@code embeddings}, {@code encoder.layers.N}, {@code post_layernorm}); the
 * projector is {@code model.mm_projector} (an nn.Sequential: Linear at 0, GELU at 1, Linear at 2, ...)
 * and the row separator {@code model.image_newline}. Linear weights are {@code [out, in]}.
 */
public final class VisionTensors {

    /** Prefix of every SigLIP tensor. */
    public static final String TOWER = "model.vision_tower.vision_tower.vision_model.";
    /** Conv2d {@code [hidden, channels, patch, patch]}. */
    public static final String PATCH_WEIGHT = TOWER + "embeddings.patch_embedding.weight";
    /** {@code [hidden]}. */
    public static final String PATCH_BIAS = TOWER + "embeddings.patch_embedding.bias";
    /** Embedding {@code [patches, hidden]}. */
    public static final String POSITION = TOWER + "embeddings.position_embedding.weight";
    /** {@code [textHidden]}: appended after every row of the grid map. */
    public static final String IMAGE_NEWLINE = "model.image_newline";
    /** Prefix of the projector's Sequential. */
    public static final String PROJECTOR = "model.mm_projector.";

    private VisionTensors() {
    }

    /** {@code ...encoder.layers.<layer>.} */
    public static String layer(int layer) {
        return TOWER + "encoder.layers." + layer + ".";
    }

    /** The Linear layers of the projector sit at Sequential indices 0, 2, 4, ... (GELUs between). */
    public static String projector(int linear, String param) {
        return PROJECTOR + (2 * linear) + "." + param;
    }
}
