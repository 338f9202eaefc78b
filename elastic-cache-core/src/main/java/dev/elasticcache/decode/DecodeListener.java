package dev.elasticcache.decode;

/** Observes a decoding run step by step (streaming, tracing, progress). Called on the decoding thread. */
@FunctionalInterface
public interface DecodeListener {
    DecodeListener NONE = (step, sequence) -> {};

    /**
     * @param step what the step decoded
     * @param sequence the whole token sequence after the step (prompt included); do not modify
     */
    void onStep(StepRecord step, int[] sequence);
}
