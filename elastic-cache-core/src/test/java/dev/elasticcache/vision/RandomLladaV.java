package dev.elasticcache.vision;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointWriter;
import dev.elasticcache.checkpoint.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Writes tiny random LLaDA-V checkpoint folders for tests: the vision half alone ({@link #write}: a config.json
 * with LLaDA-V's vision keys and a nested vision_config, the vision tower named as LLaDA-V names it, projector and
 * image_newline, plus two language-model tensors so the vision loader has to pick its own out of a mixed
 * checkpoint), or a whole model ({@link #writeVisionLanguage}: with a random Llama-named language model and the
 * byte tokenizer).
 */
public final class RandomLladaV {

    /**
     * What to write.
     *
     * @param imageSize       tile side (30: not a multiple of the patch, as 384 is not of 14)
     * @param patchSize       patch side
     * @param hidden          vision width
     * @param intermediate    vision MLP width
     * @param layers          num_hidden_layers of the tower (the last one is dropped by select -2)
     * @param heads           attention heads
     * @param textHidden      the language model's width (projector output)
     * @param projector       mm_projector_type
     * @param aspect          image_aspect_ratio
     * @param pinpoints       image_grid_pinpoints as written
     * @param writeLastLayer  whether the checkpoint still holds the dropped last layer (LLaDA-V's does not)
     * @param dtype           storage dtype
     * @param shards          1 for model.safetensors, more for an index and shards
     * @param seed            random seed
     */
    public record Spec(int imageSize, int patchSize, int hidden, int intermediate, int layers, int heads, int textHidden,
                String projector, String aspect, String pinpoints, boolean writeLastLayer, DType dtype, int shards, long seed) {

        public Spec dtype(DType d) {
            return new Spec(imageSize, patchSize, hidden, intermediate, layers, heads, textHidden, projector, aspect, pinpoints,
                    writeLastLayer, d, shards, seed);
        }

        public Spec shards(int s) {
            return new Spec(imageSize, patchSize, hidden, intermediate, layers, heads, textHidden, projector, aspect, pinpoints,
                    writeLastLayer, dtype, s, seed);
        }

        public Spec writeLastLayer(boolean w) {
            return new Spec(imageSize, patchSize, hidden, intermediate, layers, heads, textHidden, projector, aspect, pinpoints,
                    w, dtype, shards, seed);
        }

        public Spec aspect(String a) {
            return new Spec(imageSize, patchSize, hidden, intermediate, layers, heads, textHidden, projector, a, pinpoints,
                    writeLastLayer, dtype, shards, seed);
        }

        public Spec projector(String p) {
            return new Spec(imageSize, patchSize, hidden, intermediate, layers, heads, textHidden, p, aspect, pinpoints,
                    writeLastLayer, dtype, shards, seed);
        }
    }

    /** image 30, patch 14 (2 x 2 patches, 2 pixels unseen), hidden 32, 3 layers (2 run), 2 heads, text 40. */
    public static Spec small() {
        return new Spec(30, 14, 32, 48, 3, 2, 40, "mlp2x_gelu", "anyres_max_4", "(1x1),...,(3x3)", false, DType.F32, 1, 7);
    }

    private RandomLladaV() {
    }

    public static JsonObject config(Spec s) {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", "llava_llada");
        o.addProperty("hidden_size", s.textHidden());
        o.addProperty("mm_vision_tower", "google/siglip2-so400m-patch14-384");
        o.addProperty("mm_projector_type", s.projector());
        o.addProperty("mm_hidden_size", s.hidden());
        o.addProperty("mm_vision_select_layer", -2);
        o.addProperty("mm_vision_select_feature", "patch");
        o.addProperty("image_aspect_ratio", s.aspect());
        o.addProperty("image_grid_pinpoints", s.pinpoints());
        o.addProperty("mm_patch_merge_type", "spatial_unpad");
        o.add("vision_config", JsonParser.parseString("{\"hidden_size\": " + s.hidden() + ", \"intermediate_size\": "
                + s.intermediate() + ", \"num_hidden_layers\": " + s.layers() + ", \"num_attention_heads\": " + s.heads()
                + ", \"image_size\": " + s.imageSize() + ", \"patch_size\": " + s.patchSize()
                + ", \"layer_norm_eps\": 1e-6, \"hidden_act\": \"gelu_pytorch_tanh\"}"));
        return o;
    }

    public static Path write(Path folder, Spec s) {
        return write(folder, s, t -> { });
    }

    /** Writes the folder; {@code edit} may replace or drop tensors (name to shape + data) before writing. */
    public static Path write(Path folder, Spec s, Consumer<Map<String, Object[]>> edit) {
        VisionConfig vc = VisionConfig.fromJson(config(s));
        Random r = new Random(s.seed());
        Map<String, Object[]> tensors = new java.util.LinkedHashMap<>();
        // language-model tensors in front, as in a real checkpoint
        tensors.put("model.embed_tokens.weight", tensor(r, new long[] {11, s.textHidden()}, 0, 0.5));
        Map<String, long[]> shapes = VisionWeights.expectedShapes(vc);
        if (s.writeLastLayer()) {
            // a full tower: also the layer that select -2 drops, filled with huge values that would show if used
            VisionConfig all = new VisionConfig(vc.visionTower(), vc.tower(), -1, vc.projectorType(), vc.projectorDepth(),
                    vc.mmHiddenSize(), vc.textHiddenSize(), vc.imageAspectRatio(), vc.maxNumPatches(), vc.gridPinpoints(),
                    vc.patchMergeType());
            shapes = VisionWeights.expectedShapes(all);
        }
        String dropped = VisionTensors.layer(vc.tower().numLayers() - 1);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            double mean = 0;
            double std;
            if (name.endsWith("norm1.weight") || name.endsWith("norm2.weight")) {
                mean = 1;
                std = 0.2;
            } else if (name.endsWith(".bias")) {
                std = 0.1;
            } else if (name.equals(VisionTensors.POSITION) || name.equals(VisionTensors.IMAGE_NEWLINE)) {
                std = 0.5;
            } else {
                long fanIn = 1;
                for (int i = 1; i < shape.length; i++) {
                    fanIn *= shape[i];
                }
                std = 1.2 / Math.sqrt(fanIn);
            }
            if (name.startsWith(dropped)) {
                mean = 1e4;
            }
            tensors.put(name, tensor(r, shape, mean, std));
        }
        // unused by LLaDA-V's forward but present in its checkpoint
        tensors.put(VisionTensors.TOWER + "post_layernorm.weight", tensor(r, new long[] {s.hidden()}, 1e4, 1));
        tensors.put(VisionTensors.TOWER + "post_layernorm.bias", tensor(r, new long[] {s.hidden()}, 1e4, 1));
        tensors.put("lm_head.weight", tensor(r, new long[] {11, s.textHidden()}, 0, 0.5));
        edit.accept(tensors);
        CheckpointWriter w = new CheckpointWriter(s.dtype());
        for (Map.Entry<String, Object[]> e : tensors.entrySet()) {
            w.add(e.getKey(), (long[]) e.getValue()[0], (float[]) e.getValue()[1]);
        }
        w.write(folder, s.shards());
        try {
            Files.writeString(folder.resolve("config.json"), config(s).toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    static Object[] tensor(Random r, long[] shape, double mean, double std) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (mean + std * r.nextGaussian());
        }
        return new Object[] {shape, data};
    }

    /**
     * A whole LLaDA-V folder: the vision half of {@code s} plus a random language model of width
     * {@code s.textHidden()} under Llama-style names, a merged llava_llada config.json and the byte tokenizer.
     */
    public static Path writeVisionLanguage(Path folder, Spec s, long seed) {
        dev.elasticcache.model.LladaConfig lm = dev.elasticcache.checkpoint.RandomCheckpoint.tinyConfig()
                .dModel(s.textHidden()).nHeads(4).nLayers(2).mlpHiddenSize(2 * s.textHidden())
                .tensorNaming(dev.elasticcache.model.LladaTensorNaming.LLAMA).build();
        Map<String, long[]> shapes = dev.elasticcache.model.LladaTensorLayout.expectedShapes(lm);
        Map<String, float[]> weights = dev.elasticcache.checkpoint.RandomCheckpoint.weights(lm, seed);
        write(folder, s, tensors -> weights.forEach((name, data) -> tensors.put(name, new Object[] {shapes.get(name), data})));
        JsonObject config = lm.toJson();
        config.addProperty("model_type", "llava_llada");
        for (Map.Entry<String, com.google.gson.JsonElement> e : config(s).entrySet()) {
            if (!e.getKey().equals("model_type") && !e.getKey().equals("hidden_size")) {
                config.add(e.getKey(), e.getValue());
            }
        }
        try {
            Files.writeString(folder.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
            dev.elasticcache.tokenizer.TinyTokenizerFiles.write(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    /** A PNG file of random pixels, {@code width} x {@code height}: test input for the image doors. */
    public static byte[] png(int width, int height, long seed) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Random normalised pixels for {@code n} tiles. */
    public static float[] pixels(int n, int imageSize, long seed) {
        Random r = new Random(seed);
        float[] p = new float[n * 3 * imageSize * imageSize];
        for (int i = 0; i < p.length; i++) {
            p[i] = AnyresPreprocessor.normalize(r.nextInt(256));
        }
        return p;
    }
}
