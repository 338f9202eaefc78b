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
 * @param device where the weights live ({@code cpu()}, {@code gpu(0)})
 * @param loadTime how long loading took
 */
public record ModelInfo(String name, Path folder, LladaConfig config, long parameters, String device, Duration loadTime) {}
