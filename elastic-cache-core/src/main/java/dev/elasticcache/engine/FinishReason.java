package dev.elasticcache.engine;

/** Why a generation ended. */
public enum FinishReason {
    /** The model produced its end-of-sequence or end-of-turn token after some text. */
    STOP,
    /**
     * The model ended at once: an end token at the first answer position, no text. The result's
     * {@link GenerationResult#hint() hint} says why and what the model knows ({@link ModelCard}).
     */
    EMPTY,
    /** The generation length ran out before an end token. */
    LENGTH,
    /** A requested stop sequence appeared in the finished text; decoding stopped early. */
    STOP_SEQUENCE,
    /** The answer is tool calls for the caller to execute. */
    TOOL_CALLS
}
