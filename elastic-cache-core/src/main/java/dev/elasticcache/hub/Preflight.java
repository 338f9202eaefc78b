package dev.elasticcache.hub;

import java.nio.file.Path;

/**
 * Checks a model while it downloads, so that one the engine cannot run stops before gigabytes arrive. Each method
 * throws to stop the download (what is already in the cache stays there).
 */
public interface Preflight {
    /** Checks nothing. */
    Preflight NONE = new Preflight() {};

    /** After {@code config.json} arrived (the architecture is known), before any other file. */
    default void config(Path configJson) {}

    /** Before the weights are fetched: {@code bytes} is their size on disk. */
    default void weights(long bytes) {}
}
