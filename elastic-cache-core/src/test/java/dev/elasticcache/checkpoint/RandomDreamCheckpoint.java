package dev.elasticcache.checkpoint;

import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.ModelFamily;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random Dream-format checkpoints (Qwen2 tensor names, q/k/v biases): fixtures for the Dream loader and
 * forward. Weights are scaled as in {@link RandomCheckpoint}; biases are non-zero so that a forward that
 * forgets them is caught, and the head row of the mask token is zero so that a decoder never predicts MASK
 * (dream.md §7), except through a tied head, which shares the embedding row.
 */
public final class RandomDreamCheckpoint {
    private RandomDreamCheckpoint() {}

    /** A small configuration: d 32, 4 heads over 2 KV heads, 3 layers, 300 ids (mask 299, eos/pad/bos 296). */
    public static DreamConfig.Builder tinyConfig() {
        return DreamConfig.builder()
                .hiddenSize(32)
                .intermediateSize(64)
                .numHiddenLayers(3)
                .numAttentionHeads(4)
                .numKeyValueHeads(2)
                .vocabSize(300)
                .maskTokenId(299)
                .eosTokenId(296)
                .padTokenId(296)
                .bosTokenId(296)
                .ropeTheta(1000000.0)
                .maxPositionEmbeddings(512)
                .torchDtype("float32");
    }

    /** Random tensors for {@code config}, named and shaped as in a Dream checkpoint. */
    public static Map<String, float[]> weights(DreamConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : DreamTensorLayout.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            float[] data = new float[Math.toIntExact(RandomCheckpoint.size(shape))];
            if (name.endsWith(".bias")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (0.3 * random.nextGaussian());
                }
            } else if (shape.length == 1) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (1 + 0.1 * random.nextGaussian());
                }
            } else {
                double std = name.equals(DreamTensorLayout.EMBEDDING) ? 1.0 : 1.5 / Math.sqrt(shape[1]);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (std * random.nextGaussian());
                }
                if (name.equals(DreamTensorLayout.HEAD)) {
                    int d = (int) shape[1];
                    java.util.Arrays.fill(data, config.maskTokenId() * d, (config.maskTokenId() + 1) * d, 0f);
                }
            }
            tensors.put(name, data);
        }
        return tensors;
    }

    /**
     * Writes a model folder: config.json and the weights in {@code dtype} (one file, or {@code shards} shards
     * with an index). No tokenizer files.
     */
    public static Path write(Path folder, DreamConfig config, long seed, DType dtype, int shards) {
        return write(folder, config, weights(config, seed), dtype, shards);
    }

    /** Writes the given tensors (any names, shapes from the data's expected layout or given) and config.json. */
    public static Path write(Path folder, DreamConfig config, Map<String, float[]> tensors, DType dtype, int shards) {
        CheckpointWriter writer = new CheckpointWriter(dtype);
        Map<String, long[]> shapes = DreamTensorLayout.expectedShapes(config);
        tensors.forEach((name, data) -> writer.add(name, shapes.getOrDefault(name, new long[] {data.length}), data));
        writer.write(folder, shards);
        config.write(folder.resolve(ModelFamily.CONFIG_FILE));
        return folder;
    }
}
