package dev.elasticcache.hub;

import java.nio.file.Path;

/** Hears how a model download goes (the CLI draws a progress bar from it; the engine logs it). */
public interface DownloadListener {
    /** Hears nothing. */
    DownloadListener NONE = new DownloadListener() {};

    /**
     * The download of {@code commit} begins in earnest: {@code config.json} and the index, fetched first to
     * check the model, have arrived and are counted here.
     *
     * @param bytes bytes this run fetches (files already in the cache, and parts kept from an interrupted run, excluded)
     */
    default void started(ModelId id, String commit, int files, long bytes) {}

    /** {@code file} begins; {@code resumedFrom} bytes are already on disk from an earlier attempt. */
    default void fileStarted(String file, long size, long resumedFrom) {}

    /** {@code delta} more bytes of {@code file} arrived. */
    default void progress(String file, long delta) {}

    /** A transfer broke off and resumes at {@code offset}, or a corrupted file is fetched again from 0. */
    default void retrying(String file, long offset, String reason) {}

    /** {@code file} is complete and verified in the cache. */
    default void fileFinished(String file) {}

    /** Every file is in place: {@code snapshot} is the folder to load. */
    default void finished(ModelId id, Path snapshot) {}
}
