package dev.elasticcache.engine;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.hub.DownloadListener;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.hub.ModelHub;
import dev.elasticcache.hub.Preflight;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightDtype;
import java.nio.file.Path;

/** The folder an engine configuration's model lives in: the folder given, the embedded model's, or a Hub model's. */
public final class ModelLocator {
    private ModelLocator() {}

    public static Path folder(EngineConfig config, DownloadListener listener) {
        if (config.modelDir() != null) {
            return config.modelDir();
        }
        if (config.model() == null) {
            return EmbeddedModel.folder(config.embeddedModel());
        }
        HubSettings hub = config.hub() != null ? config.hub() : HubSettings.fromEnvironment();
        return new ModelHub(hub, listener).resolve(config.model(), config.pullModelStrategy(), preflight(config.dtype()));
    }

    /**
     * Stops a download the engine could not use: after {@code config.json}, a family it does not run; before the
     * weights, weights larger than this machine's or container's memory even kept 16-bit.
     */
    public static Preflight preflight(WeightDtype dtype) {
        return new Preflight() {
            @Override
            public void config(Path configJson) {
                ModelFamily.detect(configJson.getParent());
            }

            @Override
            public void weights(long bytes) {
                long memory = MemoryBudget.totalMemory();
                // The stored bytes are the least any dtype keeps (16-bit mapped); fp32 needs about twice as much.
                long needed = dtype == WeightDtype.FLOAT32 ? bytes * 2 : bytes;
                if (needed > memory) {
                    throw new CheckpointException("the weights are " + MemoryBudget.size(bytes) + " on disk and need "
                            + MemoryBudget.size(needed) + " of memory with dtype " + dtype.spelling() + ", but this machine"
                            + " or container has " + MemoryBudget.size(memory) + "; nothing beyond config.json was"
                            + " downloaded. Use a machine with more memory"
                            + (dtype == WeightDtype.FLOAT32 ? " or dtype auto (16-bit weights)" : ""));
                }
            }
        };
    }
}
