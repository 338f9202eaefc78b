package dev.elasticcache.vision;

/**
 * The SigLIP vision transformer's hyper-parameters (keys as in a Hugging Face {@code SiglipVisionConfig}).
 * The defaults are those LLaDA-V's own {@code SigLipVisionConfig} hard-codes, which are the numbers of
 * {@code siglip2-so400m-patch14-384}: 1152 wide, 4304 MLP, 27 layers, 16 heads, 384 px images of 14 px
 * patches (27 x 27 = 729 patches), LayerNorm eps 1e-6, GELU with the tanh approximation.
 *
 * @param hiddenSize       {@code hidden_size}
 * @param intermediateSize {@code intermediate_size} (the MLP's inner width)
 * @param numLayers        {@code num_hidden_layers} of the pretrained tower (before any layer is dropped)
 * @param numHeads         {@code num_attention_heads}
 * @param numChannels      {@code num_channels} (3)
 * @param imageSize        {@code image_size}: the square tile side in pixels
 * @param patchSize        {@code patch_size}: the patch-embedding convolution's kernel and stride
 * @param layerNormEps     {@code layer_norm_eps}
 * @param hiddenAct        {@code hidden_act} of the MLP
 */
public record SiglipConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numChannels,
        int imageSize,
        int patchSize,
        double layerNormEps,
        Activation hiddenAct) {

    /** The MLP activations SigLIP checkpoints use. */
    public enum Activation {
        /** {@code gelu_pytorch_tanh}: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
        GELU_TANH("gelu_pytorch_tanh"),
        /** {@code gelu}: the exact 0.5 x (1 + erf(x / sqrt 2)). */
        GELU_ERF("gelu");

        private final String configName;

        Activation(String configName) {
            this.configName = configName;
        }

        /** The {@code hidden_act} string. */
        public String configName() {
            return configName;
        }

        /** Parses a {@code hidden_act} value; throws naming the supported ones. */
        public static Activation fromConfig(String name) {
            for (Activation a : values()) {
                if (a.configName.equals(name)) {
                    return a;
                }
            }
            if ("gelu_new".equals(name)) {
                return GELU_TANH; // the same tanh formula written in Python
            }
            throw new IllegalArgumentException("unsupported vision hidden_act \"" + name
                    + "\"; supported are \"gelu_pytorch_tanh\" (SigLIP's), \"gelu_new\" and \"gelu\"");
        }
    }

    /** LLaDA-V's SigLIP defaults (siglip2-so400m-patch14-384). */
    public static SiglipConfig so400mPatch14x384() {
        return new SiglipConfig(1152, 4304, 27, 16, 3, 384, 14, 1e-6, Activation.GELU_TANH);
    }

    /** Per-head width {@code hidden_size / num_attention_heads}. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    /**
     * Patches along one side of a tile ({@code image_size / patch_size} rounded down, 27 for 384/14): the
     * patch convolution has padding "valid", so the last {@code image_size % patch_size} pixel rows and
     * columns (6 of 384) are never seen.
     */
    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Patches (tokens) per tile, 729 for 384/14. */
    public int patchesPerTile() {
        return patchesPerSide() * patchesPerSide();
    }

    /**
     * Checks the numbers for consistency.
     *
     * @return this
     * @throws IllegalArgumentException naming the key
     */
    public SiglipConfig validate() {
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_channels", numChannels);
        positive("image_size", imageSize);
        positive("patch_size", patchSize);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("vision hidden_size (" + hiddenSize + ") must be divisible by num_attention_heads ("
                    + numHeads + ")");
        }
        if (patchSize > imageSize) {
            throw new IllegalArgumentException("vision patch_size (" + patchSize + ") exceeds image_size (" + imageSize + ")");
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("vision layer_norm_eps must be a positive number, got " + layerNormEps);
        }
        if (hiddenAct == null) {
            throw new IllegalArgumentException("vision hidden_act is missing");
        }
        return this;
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("vision " + key + " must be positive, got " + value);
        }
    }
}
