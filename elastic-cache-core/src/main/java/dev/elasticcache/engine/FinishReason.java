package dev.elasticcache.engine;

/** Why a generation ended. */
public enum FinishReason {
    /** The model produced its end-of-sequence or end-of-turn token. */
    STOP,
    /** The generation length ran out before an end token. */
    LENGTH,
    /** A requested stop sequence appeared in the finished text; decoding stopped early. */
    STOP_SEQUENCE,
    /** The answer is tool calls for the caller to execute. */
    TOOL_CALLS
}
