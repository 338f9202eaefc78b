package dev.elasticcache.engine;

import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.ModelFamily;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the engine has loaded.
 *
 * @param name the model folder's name
 * @param folder the model folder
 * @param config the LLaDA checkpoint configuration; null for another family (see {@code family})
 * @param parameters parameter count
 * @param device where the weights live, as people write it: {@code cpu}, {@code gpu(0)}
 * @param loadTime how long loading took
 * @param card what the model knows (its training.json), {@link ModelCard#GENERAL} for a released checkpoint
 * @param family the model family (LLaDA, Dream)
 */
public record ModelInfo(String name, Path folder, LladaConfig config, long parameters, String device, Duration loadTime,
        ModelCard card, ModelFamily family) {

    /** A LLaDA model's info. */
    public ModelInfo(String name, Path folder, LladaConfig config, long parameters, String device, Duration loadTime,
            ModelCard card) {
        this(name, folder, config, parameters, device, loadTime, card, ModelFamily.LLADA);
    }
}
