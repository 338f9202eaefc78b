package dev.elasticcache.checkpoint;

import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random LLaDA-format checkpoints: the test fixtures of the loader and decoders, and the models of the
 * scaling benchmark. Weights are scaled so that activations stay O(1) through the depth and attention is not
 * uniform (it has structure for the drift test to observe).
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {}

    /** A small configuration on the project's byte-level tokenizer. */
    public static LladaConfig.Builder tinyConfig() {
        return LladaConfig.builder()
                .dModel(32)
                .nHeads(4)
                .nLayers(3)
                .mlpHiddenSize(64)
                .vocabSize(TinyTokenizerFiles.VOCAB_SIZE)
                .maskTokenId(TinyTokenizerFiles.MASK_ID)
                .eosTokenId(TinyTokenizerFiles.EOS_ID)
                .ropeTheta(10000)
                .maxSequenceLength(1024);
    }

    /** Random tensors for {@code config}, named and shaped as in a LLaDA checkpoint. */
    public static Map<String, float[]> weights(LladaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : LladaTensorLayout.expectedShapes(config).entrySet()) {
            long[] shape = e.getValue();
            float[] data = new float[Math.toIntExact(size(shape))];
            if (shape.length == 1) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (1 + 0.1 * random.nextGaussian());
                }
            } else {
                boolean embedding = e.getKey().equals(config.tensorNaming().embedding());
                // Embedding rows ~ unit variance; projections ~ 1/sqrt(fan_in), a little hotter so that
                // attention is peaked enough to single out tracked tokens.
                double std = embedding ? 1.0 : 1.5 / Math.sqrt(shape[1]);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (std * random.nextGaussian());
                }
            }
            tensors.put(e.getKey(), data);
        }
        return tensors;
    }

    /**
     * Writes a complete model folder: config.json, weights in {@code dtype} (one file, or {@code shards}
     * shards with an index) and the byte-level tokenizer files.
     */
    public static Path write(Path folder, LladaConfig config, long seed, DType dtype, int shards) {
        CheckpointWriter writer = new CheckpointWriter(dtype);
        Map<String, long[]> shapes = LladaTensorLayout.expectedShapes(config);
        weights(config, seed).forEach((name, data) -> writer.add(name, shapes.get(name), data));
        writer.write(folder, shards);
        config.write(folder.resolve(LladaCheckpoint.CONFIG_FILE));
        TinyTokenizerFiles.write(folder);
        return folder;
    }

    static long size(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
