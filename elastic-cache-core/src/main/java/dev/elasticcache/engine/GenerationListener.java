package dev.elasticcache.engine;

import dev.elasticcache.decode.StepRecord;

/**
 * Receives a generation as it happens. Diffusion decoding finishes tokens out of order, so text is delivered
 * as the finished prefix of the answer grows ({@link #onText}), and every step's raw decisions are available
 * through {@link #onStep}. Callbacks run on the engine's decoding thread: hand heavy work off.
 */
public interface GenerationListener {

    /** Newly finished answer text (the finished prefix grew by {@code delta}). */
    default void onText(String delta) {}

    /** One denoising step: which positions were decoded to which tokens. */
    default void onStep(StepRecord step) {}

    /** The generation finished; {@code result} holds the whole answer. */
    default void onComplete(GenerationResult result) {}

    /** The generation failed, timed out or was cancelled. */
    default void onError(Throwable error) {}
}
