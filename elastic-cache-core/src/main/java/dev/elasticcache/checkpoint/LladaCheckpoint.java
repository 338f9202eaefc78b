package dev.elasticcache.checkpoint;

import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.ModelFamily;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A LLaDA model folder: {@code config.json} plus safetensors weights, checked against each other on open
 * (every expected tensor present with the shape config.json implies).
 */
public final class LladaCheckpoint implements AutoCloseable {

    public static final String CONFIG_FILE = "config.json";

    private final Path folder;
    private final LladaConfig config;
    private final CheckpointReader reader;

    private LladaCheckpoint(Path folder, LladaConfig config, CheckpointReader reader) {
        this.folder = folder;
        this.config = config;
        this.reader = reader;
    }

    /** Opens and checks a model folder. */
    public static LladaCheckpoint open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": model folder does not exist or is not a directory; "
                    + "pass the folder that holds config.json and the .safetensors files");
        }
        Path configPath = folder.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configPath)) {
            throw new CheckpointException(folder + ": model folder has no " + CONFIG_FILE
                    + "; download the config.json that belongs to the checkpoint into this folder");
        }
        ModelFamily declared;
        try {
            declared = ModelFamily.detect(folder);
        } catch (CheckpointException e) {
            declared = ModelFamily.LLADA; // unrecognised configs keep LladaConfig's own, more specific messages
        }
        if (declared != ModelFamily.LLADA) {
            throw new CheckpointException(configPath + ": config.json describes a " + declared.displayName()
                    + " model, not a LLaDA model; load " + declared.displayName() + " folders with their own model class");
        }
        LladaConfig config = LladaConfig.read(configPath);
        CheckpointReader reader = CheckpointReader.open(folder);
        try {
            if (config.tensorNaming() == dev.elasticcache.model.LladaTensorNaming.LLADA) {
                // Llama-style names (LLaDA-V's LM) are Dream's too: there the expected-tensor check below decides.
                ModelFamily.LLADA.checkTensorNames(reader, configPath);
            }
            check(configPath, config, reader);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        return new LladaCheckpoint(folder, config, reader);
    }

    private static void check(Path configPath, LladaConfig config, CheckpointReader reader) {
        for (Map.Entry<String, long[]> e : LladaTensorLayout.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long[] expected = e.getValue();
            if (!reader.contains(name)) {
                throw new CheckpointException(reader.folder() + ": checkpoint has no tensor '" + name + "' (expected shape "
                        + Arrays.toString(expected) + " from " + configPath + "); the checkpoint is incomplete or does not match config.json");
            }
            TensorInfo info = reader.info(name);
            if (!info.hasShape(expected)) {
                throw new CheckpointException(reader.fileOf(name) + ": tensor '" + name + "' has shape " + info.shapeString()
                        + " but " + configPath + " implies " + Arrays.toString(expected)
                        + "; the weights and config.json do not belong together");
            }
        }
    }

    public Path folder() {
        return folder;
    }

    public LladaConfig config() {
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
        return "LladaCheckpoint[" + folder + ", " + config + "]";
    }
}
