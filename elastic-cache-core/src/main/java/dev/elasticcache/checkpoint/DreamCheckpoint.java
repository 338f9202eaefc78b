package dev.elasticcache.checkpoint;

import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.ModelFamily;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A Dream-family model folder ({@code config.json}, optional {@code generation_config.json} and safetensors
 * weights, one file or shards with {@code model.safetensors.index.json}), checked against each other on open:
 * the tensors are named as Dream names them and every expected tensor is present with the shape config.json
 * implies.
 */
public final class DreamCheckpoint implements AutoCloseable {

    private final Path folder;
    private final DreamConfig config;
    private final CheckpointReader reader;

    private DreamCheckpoint(Path folder, DreamConfig config, CheckpointReader reader) {
        this.folder = folder;
        this.config = config;
        this.reader = reader;
    }

    /** Opens and checks a Dream model folder. */
    public static DreamCheckpoint open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": model folder does not exist or is not a directory; "
                    + "pass the folder that holds config.json and the .safetensors files");
        }
        Path configPath = folder.resolve(ModelFamily.CONFIG_FILE);
        if (!Files.isRegularFile(configPath)) {
            throw new CheckpointException(folder + ": model folder has no " + ModelFamily.CONFIG_FILE
                    + "; download the config.json that belongs to the checkpoint into this folder");
        }
        DreamConfig config = DreamConfig.read(folder);
        CheckpointReader reader = CheckpointReader.open(folder);
        try {
            ModelFamily.DREAM.checkTensorNames(reader, configPath);
            check(configPath, config, reader);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        return new DreamCheckpoint(folder, config, reader);
    }

    private static void check(Path configPath, DreamConfig config, CheckpointReader reader) {
        for (Map.Entry<String, long[]> e : DreamTensorLayout.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long[] expected = e.getValue();
            if (!reader.contains(name)) {
                throw new CheckpointException(weightsFile(reader) + ": checkpoint has no tensor '" + name + "' (expected shape "
                        + Arrays.toString(expected) + " from " + configPath + ")" + hint(name, config)
                        + "; the checkpoint is incomplete or does not match config.json");
            }
            TensorInfo info = reader.info(name);
            if (!info.hasShape(expected)) {
                throw new CheckpointException(reader.fileOf(name) + ": tensor '" + name + "' has shape " + info.shapeString()
                        + " but " + configPath + " implies " + Arrays.toString(expected)
                        + "; the weights and config.json do not belong together");
            }
        }
    }

    /** The file that lists the tensors: the shard index, or the single safetensors file. */
    private static Path weightsFile(CheckpointReader reader) {
        return reader.isSharded() ? reader.folder().resolve(CheckpointReader.INDEX_FILE) : reader.files().get(0).path();
    }

    private static String hint(String name, DreamConfig config) {
        if (name.endsWith(".bias")) {
            return ": Qwen2-layout attention has q/k/v biases; a checkpoint without them needs \"attention_bias\": false"
                    + " in config.json";
        }
        if (name.equals(DreamTensorLayout.HEAD) && !config.tieWordEmbeddings()) {
            return ": a checkpoint that shares the embedding as its head needs \"tie_word_embeddings\": true";
        }
        return "";
    }

    public Path folder() {
        return folder;
    }

    public DreamConfig config() {
        return config;
    }

    public CheckpointReader reader() {
        return reader;
    }

    @Override
    public void close() {
        reader.close();
    }

    @Override
    public String toString() {
        return "DreamCheckpoint[" + folder + ", " + config + "]";
    }
}
