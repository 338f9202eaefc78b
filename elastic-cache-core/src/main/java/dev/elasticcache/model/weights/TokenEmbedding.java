package dev.elasticcache.model.weights;

import ai.djl.ndarray.NDArray;

/** The token embedding table [vocab, d]: looks up rows by token id. */
public interface TokenEmbedding {

    /** Rows [T, d] of int64 ids [T], owned by the ids' manager. */
    NDArray rows(NDArray ids);

    /** The table used as an output head ({@code x E^T}), for models that tie the two. */
    Linear asHead();

    /** Bytes this table holds in memory for the model's lifetime (0 when it is mapped from a file). */
    long residentBytes();

    /** Bytes of the table left mapped in its checkpoint file (0 when it is resident). */
    long mappedBytes();
}
