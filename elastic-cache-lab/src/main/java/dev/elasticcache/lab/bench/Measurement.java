package dev.elasticcache.lab.bench;

/**
 * One decoded prompt.
 *
 * @param correct exact match with the reference answer
 * @param tokensPerSecond answer tokens (up to, excluding, EOS) per second of decoding
 * @param nfe forward passes
 * @param recomputeFraction fraction of layers fully recomputed
 * @param layerRows rows computed summed over layers and forwards
 * @param seconds decoding wall time
 * @param answerTokens answer tokens counted in tokens per second
 * @param sequenceLength prompt plus generation length (keys attended per row)
 */
record Measurement(boolean correct, double tokensPerSecond, int nfe, double recomputeFraction, long layerRows,
        double seconds, int answerTokens, int sequenceLength) {}
