package dev.elasticcache.engine;

import dev.elasticcache.model.LladaConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the engine has loaded.
 *
 * @param name the model folder's name
 * @param folder the model folder
 * @param config the checkpoint configuration
 * @param parameters parameter count
 * @param device where the weights live, as people write it: {@code cpu}, {@code gpu(0)}
 * @param loadTime how long loading took
 * @param card what the model knows (its training.json), {@link ModelCard#GENERAL} for a released checkpoint
 */
public record ModelInfo(String name, Path folder, LladaConfig config, long parameters, String device, Duration loadTime,
        ModelCard card) {}
